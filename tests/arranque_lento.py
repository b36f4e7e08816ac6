"""`vetanco` whose spawned API processes need longer than uvicorn's 5 s health check to start, as on a loaded machine."""

import time

if __name__ == "__mp_main__":
    time.sleep(8)

from vetanco.cli import app

if __name__ == "__main__":
    app()
