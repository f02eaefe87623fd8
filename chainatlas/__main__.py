from chainatlas.cli import app

app()
