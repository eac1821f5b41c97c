# One image for every process of the platform; docker-compose.yml picks the process with `command:`.
#   API (default):      node --import tsx api/main.ts
#   order worker:       node --import tsx workers/order-worker.ts
#   warehouse worker:   node --import tsx workers/warehouse-worker.ts
#   shard migrations:   node --import tsx scripts/migrate.ts
# TypeScript runs as is through tsx (a runtime dependency); the only build step is the workflow
# bundle, made once here so workers start without compiling workflows.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, so a source change does not reinstall them.
COPY package.json package-lock.json ./
# The postinstall step patches a dependency (scripts/patch-dependencies.mjs explains why).
COPY scripts/patch-dependencies.mjs scripts/
RUN npm ci --omit=dev && npm cache clean --force

# The source stays owned by root: the processes read it and never write it.
COPY . .
RUN node --import tsx scripts/build-workflow-bundle.ts dist/workflow-bundle.js
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js

# Unprivileged user of the base image (uid 1000); tsx keeps its cache under /tmp.
USER node

EXPOSE 3000
CMD ["node", "--import", "tsx", "api/main.ts"]
