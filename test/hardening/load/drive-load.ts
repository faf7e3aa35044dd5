// Runs the mix with autocannon for a fixed duration over keep-alive loopback
// connections. Each request is built just before it is written (setupRequest)
// and its answer recorded (onResponse) in the ledger; a connection carries one
// request at a time, so the per-connection context links the two.
import autocannon from "autocannon";
import type { Ledger } from "./ledger.ts";
import type { RequestMix } from "./request-mix.ts";

export interface DriveOptions {
  apiUrl: string;
  seconds: number;
  connections: number;
  timeoutSeconds: number;
}

interface ConnectionContext {
  /** The ledger entry of the request in flight on this connection. */
  n?: number;
}

export async function driveLoad(
  mix: RequestMix,
  ledger: Ledger,
  options: DriveOptions,
): Promise<autocannon.Result> {
  return autocannon({
    url: options.apiUrl,
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeoutSeconds,
    pipelining: 1,
    requests: [
      {
        setupRequest(request, context) {
          const planned = mix.next();
          ledger.sent(planned);
          (context as ConnectionContext).n = planned.n;
          return {
            ...request,
            method: planned.method,
            path: planned.path,
            // A copy: autocannon adds Content-Length to the object it is given.
            headers: { ...planned.headers },
            ...(planned.body === undefined ? {} : { body: planned.body }),
          };
        },
        onResponse(status, body, context, headers) {
          const { n } = context as ConnectionContext;
          if (n !== undefined) ledger.answered(n, status, body, headers as Record<string, string | string[]>);
        },
      },
    ],
  });
}
