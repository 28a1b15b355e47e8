# Build: the query data in .sqlx/ lets the compile-time checked queries build without a database.
FROM rust:1.95-bookworm AS build
WORKDIR /src
ENV SQLX_OFFLINE=true
COPY . .
RUN cargo build --release --locked --bin shouhu

# Run: one binary (templates, assets and migrations are compiled in).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 shouhu \
    && mkdir /data && chown shouhu /data
COPY --from=build /src/target/release/shouhu /usr/local/bin/shouhu
USER shouhu
ENV SHOUHU_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["shouhu"]
CMD ["serve"]
