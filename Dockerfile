# Images for the origin (`--target origin`: linkedall-origin with its roles) and the native edge
# host (`--target edge`). OCI; builds with docker, podman or buildah. Base images are build
# arguments so that a machine without a public registry can use local ones (`cargo xtask image`):
#   podman build --format docker --target origin -t linkedall-origin .
#   podman build --format docker --target edge -t linkedall-edge .
ARG BUILDER=docker.io/library/rust:1.90-bookworm
ARG RUNTIME=docker.io/library/debian:bookworm-slim

# --- build: one release build of both binaries. The crate registry and target/ are cache
# mounts, so a source change rebuilds only our crates; dependencies stay compiled.
FROM ${BUILDER} AS build
# Behind a TLS-inspecting proxy: the path (inside the build) of its CA certificate, for cargo.
ARG EXTRA_CA_CERT=
ENV CARGO_HOME=/cargo CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never \
    CARGO_PROFILE_RELEASE_STRIP=symbols CARGO_PROFILE_RELEASE_DEBUG=false
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/cargo/registry \
    --mount=type=cache,target=/src/target \
    if [ -n "$EXTRA_CA_CERT" ]; then export CARGO_HTTP_CAINFO="$EXTRA_CA_CERT"; fi \
 && cargo build --release --locked -p linkedall-origin -p linkedall-edge-dev \
 && mkdir -p /out \
 && cp target/release/linkedall-origin target/release/linkedall-edge-dev /out/

# --- runtime: Debian with CA certificates, a non-root user, nothing else. Runs with a read-only
# root filesystem; /tmp is the only place written (a tmpfs/emptyDir in compose and Kubernetes).
FROM ${RUNTIME} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
 && groupadd --gid 10001 linkedall \
 && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin linkedall
USER 10001:10001
WORKDIR /tmp

FROM runtime AS origin
COPY --from=build /out/linkedall-origin /usr/local/bin/linkedall-origin
ENV LINKEDALL_ORIGIN_LISTEN=0.0.0.0:8080 LINKEDALL_MEDIA_DIR=/tmp/media LINKEDALL_LOG_FORMAT=json
EXPOSE 8080
# bash's /dev/tcp: no curl or wget in the image.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["/usr/local/bin/linkedall-origin"]
CMD ["serve"]

FROM runtime AS edge
COPY --from=build /out/linkedall-edge-dev /usr/local/bin/linkedall-edge-dev
ENV LINKEDALL_EDGE_LISTEN=0.0.0.0:3000
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/3000 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["/usr/local/bin/linkedall-edge-dev"]
