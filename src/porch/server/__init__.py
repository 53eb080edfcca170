"""porch's HTTP service: the Akismet protocol, the JSON API, the comment server, the dashboard.

Read it by kind (docs/architecture.md draws the map):

    app.py        the app factory: middleware, exception handlers, the route table, the lifespan
    context.py    the composition root: every collaborator, built once at start-up (`Porch`)
    jobs.py       the background jobs: feedback poll, retention sweep
    guard.py      body limits, clean 500/503;   cors.py   CORS per site, preflights
    metrics.py    Prometheus counters;            demo.py   what `porch demo` sets up
    routes/       HTTP only: each module the routes of one surface (routes/__init__.py lists them)
    domain/       what porch does: checking, posting, discussion, moderation, learning, retention …
    mail/         what to mail, the signed links in it, the SMTP sender
    caches/       each worker's short-lived memory (API keys, sites, rendered threads)

`porch serve` (cli/service.py) runs `app.app_from_env` under uvicorn.
"""
