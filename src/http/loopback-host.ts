/**
 * Whether a request's `Host` header names this machine's loopback interface. The demo serves
 * its token (in the page and the IDE) only then: a DNS-rebinding page, which a browser lets read
 * answers from the gateway once the attacker's name resolves to 127.0.0.1, still sends the
 * attacker's name as Host, so it gets the page without the token. Names are judged as a browser's
 * URL parser reads them (`127.1` is 127.0.0.1, `[0::1]` is [::1]); only `localhost` itself
 * counts among names, since a resolver may send any other, `*.localhost` included, to DNS.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host || /[\s,@/\\?#]/.test(host)) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
