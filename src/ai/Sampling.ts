/**
 * The `Sampling` handler service, with `layerLanguageModel`: the server's
 * sampling requests answered by the application's `effect/ai`
 * `LanguageModel`. Everything of `effect-mcp-client/Sampling`, plus that
 * layer, so that `Sampling.layerLanguageModel` reads as the rest of the
 * handlers do; imported from `effect-mcp-client/ai` only, so that the core
 * handlers do not load `effect/ai`.
 *
 * @since 0.1.0
 */
export * from "../handlers/Sampling.ts"
export {
  /** @since 0.1.0 */
  layerLanguageModel
} from "./SamplingLanguageModel.ts"
