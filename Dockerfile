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
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8000", "hgkiemtra.wsgi:app"]
