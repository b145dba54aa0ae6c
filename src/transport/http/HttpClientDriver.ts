/**
 * Internal: the HTTP driver over `effect/http`'s `HttpClient`, for any
 * runtime. Each request runs in the request's scope (`HttpClient.withScope`:
 * closing it aborts the request); bodies are read from the response's
 * stream. With an exporting tracer installed, the client's own spans and its
 * `traceparent` header are kept; without one, they are not made.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { type Driver, failure, type Request, type Response, tooLarge } from "./Driver.ts"

/**
 * Without a tracer of the application's to export them, the HTTP client's
 * spans and trace headers would only cost: they are made when one is installed.
 */
const untracedWithoutTracer = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.withFiber((fiber) =>
    fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer
      ? Effect.provideService(effect, HttpClient.TracerDisabledWhen, constTrue)
      : effect
  )

const toRequest = (request: Request): HttpClientRequest.HttpClientRequest => {
  const options = { headers: request.headers }
  switch (request.method) {
    case "GET":
      return HttpClientRequest.get(request.url, options)
    case "DELETE":
      return HttpClientRequest.delete(request.url, options)
    case "POST": {
      const post = HttpClientRequest.post(request.url, options)
      return request.body === undefined ? post : HttpClientRequest.bodyText(post, request.body, "application/json")
    }
  }
}

const wrap = (response: HttpClientResponse.HttpClientResponse, url: URL, maxBytes: number): Response => {
  const stream = Stream.mapError(response.stream, failure("Reading from", url))
  return {
    status: response.status,
    headers: response.headers,
    text: stream.pipe(
      Stream.runFoldEffect(() => ({ parts: [] as Array<Uint8Array>, size: 0 }), (acc, chunk) => {
        acc.size += chunk.length
        if (acc.size > maxBytes) return Effect.fail(tooLarge(maxBytes, acc.size))
        acc.parts.push(chunk)
        return Effect.succeed(acc)
      }),
      Effect.map(({ parts }) => Buffer.concat(parts).toString("utf8"))
    ),
    read: (onChunk, done) =>
      stream.pipe(
        Stream.takeUntil(() => done()),
        Stream.runForEach((chunk) =>
          Effect.suspend(() => {
            const error = onChunk(chunk)
            return error === undefined ? Effect.void : Effect.fail(error)
          })
        )
      )
  }
}

const make = (base: HttpClient.HttpClient): Driver => {
  const client = HttpClient.withScope(HttpClient.transformResponse(base, untracedWithoutTracer))
  return {
    request: (request, maxBytes) =>
      client.execute(toRequest(request)).pipe(
        Effect.mapBoth({
          onFailure: failure(request.method, request.url),
          onSuccess: (response) => wrap(response, request.url, maxBytes)
        })
      )
  }
}

const drivers = new WeakMap<HttpClient.HttpClient, Driver>()

/** The driver over a client, made once per client. */
export const of = (client: HttpClient.HttpClient): Driver => {
  let driver = drivers.get(client)
  if (driver === undefined) {
    driver = make(client)
    drivers.set(client, driver)
  }
  return driver
}
