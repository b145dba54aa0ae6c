// Preload (`node --require test/servers/loopback.cjs`) that keeps a process's
// TCP servers on 127.0.0.1: a `listen()` that names no host (which would bind
// every interface) or a non-loopback one is bound to 127.0.0.1 instead.
//
// Used for the servers this project does not write itself: the `everything`
// server (it has no host option) and the conformance harness's mock servers.
//
// Callers such as the harness read `server.address()` right after
// `listen(0)`, so the bind has to happen before `listen()` returns. A host
// name would be resolved asynchronously first; instead the socket is bound
// here on a raw TCP handle and the server listens on that handle. Unix
// sockets, file descriptors and handles pass through untouched.
"use strict"

const net = require("node:net")

const loopbackHosts = new Set(["127.0.0.1", "localhost", "::1", "[::1]"])
const listen = net.Server.prototype.listen

const binding = (() => {
  try {
    return process.binding("tcp_wrap")
  } catch {
    return undefined
  }
})()

/** { port, host, backlog, callback } for a TCP listen, undefined for any other kind. */
const tcpListen = (args) => {
  const list = [...args]
  const callback = typeof list.at(-1) === "function" ? list.pop() : undefined
  const [first, second, third] = list
  if (first !== null && typeof first === "object") {
    const isTcp = first.port !== undefined || Object.keys(first).every((key) => ["host", "backlog"].includes(key))
    if (!isTcp || "path" in first || "fd" in first || "handle" in first || "_handle" in first) return undefined
    return { port: Number(first.port ?? 0), host: first.host, backlog: first.backlog, callback }
  }
  if (first === undefined || first === null || typeof first === "number" || /^\d+$/.test(String(first))) {
    return {
      port: Number(first ?? 0),
      host: typeof second === "string" ? second : undefined,
      backlog: typeof second === "number" ? second : typeof third === "number" ? third : undefined,
      callback
    }
  }
  return undefined
}

net.Server.prototype.listen = function(...args) {
  const tcp = tcpListen(args)
  if (tcp === undefined || (tcp.host !== undefined && loopbackHosts.has(tcp.host))) return listen.apply(this, args)
  const rest = [...(tcp.backlog === undefined ? [] : [tcp.backlog]), ...(tcp.callback === undefined ? [] : [tcp.callback])]
  if (binding !== undefined) {
    const handle = new binding.TCP(binding.constants.SERVER)
    if (handle.bind("127.0.0.1", tcp.port) === 0) return listen.call(this, handle, ...rest)
    handle.close()
  }
  // No synchronous bind (say, the port is taken): Node binds and reports the error itself.
  return listen.call(this, tcp.port, "127.0.0.1", ...rest)
}
