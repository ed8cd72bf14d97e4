# The bqread command as a container image, for job engines that run it N times (a Kubernetes
# Indexed Job, Cloud Run Jobs, AWS Batch): see the README's "Many machines".
#   docker build -t bqread . && docker run --rm bqread --help
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm pack --pack-destination /pkg

FROM node:22-bookworm-slim
COPY --from=build /pkg /pkg
RUN npm install --global --omit=dev /pkg/bqread-*.tgz && rm -rf /pkg /root/.npm
# No credentials in the image: Workload Identity, the Cloud Run service account, or a mounted key.
USER node
WORKDIR /home/node
ENTRYPOINT ["bqread"]
CMD ["--help"]
