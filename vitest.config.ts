import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: {
    conditions: ["source"]
  },
  test: {
    include: ["test/**/*.test.ts", "docs/**/*.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
