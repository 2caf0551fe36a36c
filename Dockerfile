# Parley in a container: a static binary (no cgo), run as a non-root user,
# with its data directory on a volume.
#
#   docker build -t parley .
#   docker run -p 8080:8080 -v parley-data:/data parley
#
# See docs/operations.md.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/parley ./cmd/parley \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/parley /usr/local/bin/parley
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV PARLEY_DATA=/data PARLEY_ADDR=0.0.0.0:8080
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/parley"]
CMD ["serve"]
