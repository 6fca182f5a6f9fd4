import { debuglog, format } from 'node:util';

import type { LoggerProtocol } from './logger-protocol.js';

/** The section name for `NODE_DEBUG`: `NODE_DEBUG=routing-controllers-oidc node app.js` shows the library's log. */
export const DEBUG_SECTION = 'routing-controllers-oidc';

/** The default logger: writes every message through Node's `util.debuglog` for {@link DEBUG_SECTION}. */
export class DebuglogLogger implements LoggerProtocol {
  private readonly write = debuglog(DEBUG_SECTION);

  debug(message: string, meta?: Record<string, unknown>): void {
    // Formatting costs more than the check, and most processes run without NODE_DEBUG.
    if (this.write.enabled) {
      this.write(meta === undefined ? message : format('%s %j', message, meta));
    }
  }

  warn(message: string, meta?: Record<string, unknown>): void {
    this.debug(`warning: ${message}`, meta);
  }
}
