/** TLS profiles, after Mozilla's server-side TLS recommendations. */
import { blank, directive, type ConfNode } from './conf.ts';
import type { ResolvedServerOptions } from './options.ts';

interface TlsProfile {
  protocols: string[];
  ciphers: string;
  preferServerCiphers: boolean;
  why: string;
}

/** Forward-secret AEAD suites: all of intermediate, and the first choices of legacy. */
const AEAD_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

/**
 * Mozilla "intermediate" without its DHE suites: those need a dhparam file and cost the board's
 * CPU far more than ECDHE, while every client that has DHE also has ECDHE.
 */
const INTERMEDIATE: TlsProfile = {
  protocols: ['TLSv1.2', 'TLSv1.3'],
  ciphers: AEAD_CIPHERS.join(':'),
  preferServerCiphers: false,
  why: "Mozilla's intermediate profile: TLS 1.2 and 1.3, forward-secret AEAD ciphers only (every browser since ~2014).\nThe client picks the cipher: all of these are strong, and it knows whether it has AES hardware.",
};

/**
 * Mozilla "old" for machines that cannot do TLS 1.2. OpenSSL 3 refuses TLS 1.0/1.1 at its default
 * security level, hence @SECLEVEL=0.
 */
const LEGACY: TlsProfile = {
  protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  ciphers: [
    ...AEAD_CIPHERS,
    'ECDHE-ECDSA-AES128-SHA256',
    'ECDHE-RSA-AES128-SHA256',
    'ECDHE-ECDSA-AES128-SHA',
    'ECDHE-RSA-AES128-SHA',
    'ECDHE-ECDSA-AES256-SHA384',
    'ECDHE-RSA-AES256-SHA384',
    'ECDHE-ECDSA-AES256-SHA',
    'ECDHE-RSA-AES256-SHA',
    'AES128-GCM-SHA256',
    'AES256-GCM-SHA384',
    'AES128-SHA256',
    'AES256-SHA256',
    'AES128-SHA',
    'AES256-SHA',
    'DES-CBC3-SHA',
    '@SECLEVEL=0',
  ].join(':'),
  preferServerCiphers: true,
  why: "Legacy profile (Mozilla's \"old\"): also TLS 1.0/1.1 and CBC/3DES ciphers, so machines from before 2014 can connect.\nThe server picks the cipher so that modern clients still get the strong ones first.\n@SECLEVEL=0: OpenSSL 3 refuses TLS 1.0/1.1 otherwise.",
};

export function tlsProfile(name: ResolvedServerOptions['tls']): TlsProfile {
  return name === 'legacy' ? LEGACY : INTERMEDIATE;
}

/** The TLS directives of the HTTPS server. */
export function tlsDirectives(o: ResolvedServerOptions): ConfNode[] {
  const profile = tlsProfile(o.tls);
  const nodes: ConfNode[] = [
    directive('ssl_certificate', [o.cert], 'Certificate chain and key (renewed by certbot through the webroot, see the HTTP server).'),
    directive('ssl_certificate_key', [o.key]),
    blank,
    directive('ssl_protocols', profile.protocols, profile.why),
    directive('ssl_ciphers', [profile.ciphers]),
    directive('ssl_prefer_server_ciphers', [profile.preferServerCiphers ? 'on' : 'off']),
    blank,
    directive(
      'ssl_session_cache',
      ['shared:solarpress_tls:1m'],
      'Session resumption: a returning visitor skips the full handshake, the costliest thing the board does.\n1 MB holds about 4000 sessions.',
    ),
    directive('ssl_session_timeout', ['1d']),
    directive('ssl_session_tickets', ['off'], 'Tickets would need key rotation to keep forward secrecy; the cache does the same job.'),
    directive('ssl_buffer_size', ['4k'], 'Small TLS records: the first bytes of a page reach the browser sooner (time to first byte).'),
  ];
  if (o.ocspStapling) {
    nodes.push(
      blank,
      directive(
        'ssl_stapling',
        ['on'],
        'OCSP stapling, asked for in site.config.ts: the board fetches its own revocation status so browsers need not ask the CA.',
      ),
      directive('ssl_stapling_verify', ['on']),
      directive('ssl_trusted_certificate', [o.trustedCertificate]),
      directive('resolver', [...o.resolver, 'valid=300s'], 'DNS for reaching the OCSP responder.'),
      directive('resolver_timeout', ['5s']),
    );
  } else {
    nodes.push(
      blank,
      directive(
        'ssl_stapling',
        ['off'],
        "No OCSP stapling: Let's Encrypt stopped running OCSP responders in 2025 (set server.ocspStapling for other CAs).",
      ),
    );
  }
  return nodes;
}

