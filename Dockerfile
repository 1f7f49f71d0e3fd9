# syntax=docker/dockerfile:1.7
# Build: docker build -t envkeep .
# Run:   docker run -d --name envkeep -p 8080:8080 -v envkeep-data:/data envkeep

FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src
# Dependency layer: fetched crates are cached between builds.
COPY Cargo.toml Cargo.lock ./
RUN --mount=type=cache,target=/usr/local/cargo/registry cargo fetch --locked
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin envkeep \
    && install -D -m 0755 target/release/envkeep /out/envkeep \
    && install -d -m 0700 -o 65532 -g 65532 /out/data

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/envkeep /usr/local/bin/envkeep
# A new named volume takes this directory's owner, so the non-root user can write it.
COPY --from=build --chown=65532:65532 /out/data /data
ENV ENVKEEP_BIND=0.0.0.0:8080 \
    ENVKEEP_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/envkeep", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/envkeep"]
CMD ["serve"]
