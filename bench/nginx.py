"""The proxy of bench/run.py's "two servers against one" figure: one unprivileged nginx with
two front ports, one proxying to a single app server and one to two app servers in
round robin, so that both figures pay the same proxy.

Like the README's recipe for several app servers (`upstream`, `proxy_http_version 1.1`,
`Upgrade`), plus what a proxy under load wants: connections to the app servers are kept
open and reused (`keepalive`, with `Connection: ""` unless the client asks for an upgrade),
so each request does not pay a new TCP connection to aiohttp; no access log; `Host` as the
client sent it, port included (the blog compares a form's Origin with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from procfs import HOST


def config(prefix: Path, fronts: dict[int, Sequence[str]], workers: str = "auto") -> str:
    """nginx.conf for `nginx -p prefix -c ...`: for each front port, an upstream of the given host:port."""
    upstreams, servers = [], []
    for port, backends in fronts.items():
        members = "".join(f"        server {backend};\n" for backend in backends)
        upstreams.append(f"    upstream blog_{port} {{\n{members}        keepalive 64;\n    }}\n")
        servers.append(
            f"    server {{\n"
            f"        listen {HOST}:{port} reuseport;\n"
            f"        location / {{\n"
            f"            proxy_pass http://blog_{port};\n"
            f"            proxy_http_version 1.1;\n"
            f"            proxy_set_header Host $http_host;\n"
            f"            proxy_set_header Upgrade $http_upgrade;\n"
            f"            proxy_set_header Connection $connection_upgrade;\n"
            f"        }}\n"
            f"    }}\n")
    return (
        f"daemon off;\n"
        f"worker_processes {workers};\n"
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log warn;\n"
        f"events {{\n    worker_connections 4096;\n}}\n"
        f"http {{\n"
        f"    access_log off;\n"
        f"    client_body_temp_path {prefix}/body;\n"
        f"    proxy_temp_path {prefix}/proxy;\n"
        f"    fastcgi_temp_path {prefix}/fastcgi;\n"
        f"    uwsgi_temp_path {prefix}/uwsgi;\n"
        f"    scgi_temp_path {prefix}/scgi;\n"
        f"    map $http_upgrade $connection_upgrade {{\n        default upgrade;\n        '' '';\n    }}\n"
        + "".join(upstreams) + "".join(servers) + "}\n")


def command(prefix: Path, fronts: dict[int, Sequence[str]], workers: str = "auto") -> list[str]:
    """Writes the configuration under `prefix` and returns the command that runs nginx on it
    (in the foreground, unprivileged: every path it writes is under `prefix`)."""
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(config(prefix, fronts, workers))
    return ["nginx", "-e", str(prefix / "error.log"), "-p", str(prefix), "-c", str(conf)]
