import type { ServerResponse } from 'node:http';
import { ERROR_CODES, ModelServiceError } from '../errors';

/**
 * An AbortSignal that aborts when the client goes before `res` is finished (its connection closed), with a
 * `CLIENT_DISCONNECTED` reason; already aborted when it has gone. One `once('close')` listener on the response,
 * which is per request and emits 'close' exactly once (after a finished response too), so nothing outlives it; the
 * request's 'close' would not do (it fires once the body is read) and the socket's would pile up on keep-alive.
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const leave = () => controller.abort(new ModelServiceError(ERROR_CODES.clientDisconnected, 'the client closed the connection before its response was sent', 499));
  if (res.destroyed && !res.writableFinished) leave();
  else res.once('close', () => res.writableFinished || leave());
  return controller.signal;
}
