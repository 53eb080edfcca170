"""porch's HTTP service: the Akismet protocol, the JSON API, learning, limits and retention.

`create_app(settings)` (app.py) builds the ASGI app; `porch serve` (cli.py) runs it under uvicorn.
"""
