/**
 * What a raw error of a tool looks like inside a reason's message: an API server's or object
 * store's own words with request ids, hosts, addresses, URLs, status codes or socket errors.
 */
const RAW_ERRORS = [
  /request ?id|host ?id|https?:\/\/|rpc error|x509|dial tcp|status ?code/i,
  // An IPv4 address, a host with a port, a cluster-internal host.
  /\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[\w-]+(?:\.[\w-]+)+:\d{2,5}\b|\.svc\b/i,
  // Socket errors (ECONNREFUSED, ETIMEDOUT, ENOTFOUND), as Node writes them.
  /\bE[A-Z]{4,}\b/,
  // An HTTP status with its words, e.g. `403 Forbidden`.
  /\b[45]\d\d\b[^.]*\b(?:forbidden|unauthorized|error|unavailable)\b/i,
];

/**
 * A reason's message split into what a person reads first and the raw tool error it quotes, so
 * that the raw part (request ids, hosts) can go behind a "details" disclosure. The message is
 * split at the first `: ` after which the text looks like a raw error; the summary ends with a
 * full stop. A message without a raw error comes back whole, without `raw`.
 *
 * @example
 * splitRawError('Cluster dr-us could not be read: connect ECONNREFUSED 10.0.0.7:443')
 * // { summary: 'Cluster dr-us could not be read.', raw: 'connect ECONNREFUSED 10.0.0.7:443' }
 */
export function splitRawError(message: string): {
  summary: string;
  raw?: string;
} {
  let from = 0;
  for (;;) {
    const at = message.indexOf(': ', from);
    if (at < 0) return { summary: message };
    const rest = message.slice(at + 2).trim();
    if (RAW_ERRORS.some(re => re.test(rest))) {
      const head = message.slice(0, at).trim();
      return { summary: /[.!?]$/.test(head) ? head : `${head}.`, raw: rest };
    }
    from = at + 2;
  }
}
