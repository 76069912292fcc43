# signals-bff: the gateway (default command) or the vendor simulator (`npm run simulator`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# tsx stays (a runtime dependency) so the CLIs (hash-password, audit:export, simulator) run from source.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY src ./src
# The example app and the docs page (static, served from public/ beside dist/).
COPY public ./public
# Named volumes take this ownership on first mount, so the spool is writable by `node`.
RUN mkdir -p /var/lib/sbff/spool && chown -R node:node /var/lib/sbff
USER node
EXPOSE 8080
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=60", "--enable-source-maps", "dist/main.js"]
