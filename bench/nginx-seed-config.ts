/**
 * The seed's nginx config (seed 002, "How to build a Low-Tech website", the full config it quotes),
 * reproduced for loopback so the load benchmark can compare against it: dynamic gzip level 6,
 * no precompression, an expires map, TLS 1.0–1.2 with its cipher list, an access log.
 * Left out because they cannot work here: ssl_dhparam (no such file), OCSP stapling (no network,
 * self-signed certificate), the port-80 redirect server (the benchmark talks HTTPS).
 */
export interface SeedConfigOptions {
  prefix: string;
  port: number;
  root: string;
  cert: string;
  key: string;
  /** The seed logged every request to a file; false to see what the log alone costs. */
  accessLog: boolean;
  mimeTypesFile?: string;
}

export function seedNginxConfig(o: SeedConfigOptions): string {
  const mime = o.mimeTypesFile ? `include ${o.mimeTypesFile};` : 'types { text/html html; text/css css; }';
  return `# Seed 002's nginx config, adapted for a loopback benchmark (see bench/nginx-seed-config.ts).
worker_processes 1;
pid ${o.prefix}/nginx.pid;
error_log ${o.prefix}/error.log warn;
events { worker_connections 512; }
http {
    ${mime}
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path ${o.prefix}/client_body_temp;
    proxy_temp_path ${o.prefix}/proxy_temp;
    fastcgi_temp_path ${o.prefix}/fastcgi_temp;
    uwsgi_temp_path ${o.prefix}/uwsgi_temp;
    scgi_temp_path ${o.prefix}/scgi_temp;

    # Expires map
    map $sent_http_content_type $expires {
        default                    off;
        text/html                  7d;
        text/css                   max;
        application/javascript     max;
        ~image/                    max;
    }

    server {
        listen 127.0.0.1:${o.port} ssl http2;
        charset UTF-8;
        location / {
            root ${o.root};
            index index.html;
            autoindex off;
            expires $expires;
        }
        gzip on;
        gzip_disable "msie6";
        gzip_vary on;
        gzip_comp_level 6;
        gzip_buffers 16 8k;
        gzip_http_version 1.1;
        gzip_types text/plain text/css application/json application/javascript text/xml application/xml application/xml+rss text/javascript;
        expires $expires;
        access_log ${o.accessLog ? `${o.prefix}/access.log` : 'off'};
        error_log ${o.prefix}/error.log;
        ssl_certificate ${o.cert};
        ssl_certificate_key ${o.key};
        ssl_session_cache shared:SSL:10m;
        ssl_session_timeout 5m;
        ssl_prefer_server_ciphers on;
        ssl_ciphers ECDH+AESGCM:ECDH+AES256:ECDH+AES128:DH+3DES:!ADH:!AECDH:!MD5;
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
        ssl_buffer_size 4k;
        add_header Strict-Transport-Security "max-age=63072000; includeSubdomains";
    }
}
`;
}
