# kamgraph's API server as an image: `docker build -t kamgraph .`; with PostgreSQL: `docker compose up`
# (compose.yaml; docs/operations.md "Container").

# --- build: the wheel, from the same sources `make test` checks -----------------------------------------
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir "build>=1.2"
COPY pyproject.toml README.md ./
COPY kamgraph kamgraph
COPY plugins plugins
COPY migrations migrations
RUN python -m build --wheel --outdir /dist .

# --- run: the wheel alone, as an unprivileged user --------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KAMGRAPH_LOG_FORMAT=json
RUN useradd --create-home --uid 10001 kamgraph
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/*.whl && rm -rf /tmp/dist
USER kamgraph
WORKDIR /home/kamgraph
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
ENTRYPOINT ["kamgraph"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
