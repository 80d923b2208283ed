# One image for every Baraba service and the edge; the command picks the process.

# The browser app, built once; the edge serves its files (services/mesh/frontend.py).
FROM node:24-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim
WORKDIR /app
# Tesseract with Bulgarian for the scanner's OCR.
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-bul \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
# Dependencies first, so code changes do not reinstall them.
RUN pip install --no-cache-dir . && rm -rf build *.egg-info
COPY proto ./proto
COPY third_party ./third_party
COPY gen ./gen
COPY envoy ./envoy
COPY services ./services
COPY --from=frontend /frontend/dist ./frontend/dist
ENV PYTHONPATH=/app:/app/gen \
    PYTHONUNBUFFERED=1
USER nobody
