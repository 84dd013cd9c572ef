# One image for every Clarion process; the compose file picks the service with SERVICE.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.base.json tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY tools tools
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY tools/stack tools/stack
COPY package.json ./
ENV SERVICE=gateway
CMD ["sh", "-c", "case \"$SERVICE\" in *-sim) exec node -r ./tools/stack/register.js dist/tools/$SERVICE/src/main.js;; esac; exec node -r ./tools/stack/register.js dist/apps/$SERVICE/src/main.js"]
