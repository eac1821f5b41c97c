# A pg_auto_failover server for the shard HA variant (docker-compose.ha.yml): the monitor, every shard node
# and the one-shot that creates the formations run this image, with the role as the command
# (docker/pg-auto-failover-node.sh explains each). Debian's PostgreSQL 15 and pg_auto_failover 2.0: the
# packages `SHARD_REPLICAS=1 npm start` runs on (AUTO_FAILOVER_PACKAGES in scripts/lib/auto-failover/autoctl.ts).
# Its build context is docker/ (the repo's .dockerignore leaves docker/ out of the app image's context).
FROM debian:bookworm-slim

# PGAF_HOME is each server's volume: PGDATA and pg_autoctl's configuration and state (the XDG directories,
# as the entrypoint sets them, so that `docker compose exec <node> pg_autoctl …` finds them too).
ENV LANG=C.UTF-8 \
    PG_BINDIR=/usr/lib/postgresql/15/bin \
    PGAF_HOME=/var/lib/postgresql/pgaf \
    PGDATA=/var/lib/postgresql/pgaf/data \
    XDG_CONFIG_HOME=/var/lib/postgresql/pgaf/config \
    XDG_DATA_HOME=/var/lib/postgresql/pgaf/share \
    XDG_RUNTIME_DIR=/tmp/pg_autoctl
ENV PATH=$PG_BINDIR:$PATH

# postgresql-common first, so that installing the server creates no `main` cluster of its own.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends postgresql-common; \
    echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf; \
    apt-get install -y --no-install-recommends postgresql-15 postgresql-15-auto-failover pg-auto-failover-cli; \
    rm -rf /var/lib/apt/lists/*; \
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql; \
    install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/pgaf

COPY --chmod=0755 pg-auto-failover-node.sh /usr/local/bin/pg-auto-failover-node.sh

# A new named volume mounted on PGAF_HOME takes this directory's owner (postgres). No VOLUME: the
# formations job needs none.
USER postgres
WORKDIR /var/lib/postgresql
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/pg-auto-failover-node.sh"]
CMD ["node"]
