# Production image: gunicorn for the web tier, the same image runs worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY hgkiemtra ./hgkiemtra
COPY workflows ./workflows
COPY migrations ./migrations
# Editable: the package stays in /app beside migrations/, where `hgkiemtra db upgrade`
# looks for them (a plain install would copy the package into site-packages alone).
RUN pip install --no-cache-dir -e .
RUN useradd --system --home /app hgkiemtra && mkdir -p /data && chown hgkiemtra /data
USER hgkiemtra
ENV HGKIEMTRA_INSTANCE_DIR=/data HGKIEMTRA_STORAGE_DIR=/data/storage
EXPOSE 8000
# Workers, threads, preload, timeouts: hgkiemtra/gunicorn_conf.py (the bench uses it too).
CMD ["gunicorn", "--config", "python:hgkiemtra.gunicorn_conf", "--bind", "0.0.0.0:8000", \
     "hgkiemtra.wsgi:app"]
