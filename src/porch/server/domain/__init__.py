"""What porch does, apart from HTTP: checking comments for spam, posting, moderating, learning.

Each module holds one idea and is a plain class or function that gets what it needs by its
constructor (the composition root, server/context.py, builds them all once at start-up):

    checking.py      CheckService: comments → verdicts (with their check-log rows), feedback, undo
    checklog.py      the thread that writes the Akismet/API checks' log rows in batches
    batching.py      natural batching: requests that arrive together are handled together
    learning.py      each worker's models, replaying the feedback event log
    posting.py       a new comment: prepare → check → status_for → one transaction → notify
    discussion.py    sites (cached), edit tokens, the author's own comment: edit and delete
    moderation.py    a moderator's decisions, logged and undoable; replies as the site
    sitesettings.py  a site's comment settings: their fields, defaults and validation; changing them
    siterules.py     a site's blocked and allowed lists
    retention.py     the sweep that forgets what porch no longer needs
    auth.py          accounts' logins, sessions and CSRF tokens, login throttling
    limits.py        rate limits per API key
    identity.py      the client's address behind trusted proxies; visitor keys; keyed hashes
    render.py        comment text → safe HTML
    avatars.py       a commenter's generated avatar: an identicon (SVG) from the avatar hash alone
    signing.py       what the comment server signs: edit tokens, the form's render stamp, visitors
    errors.py        `Refused`: a request porch will not carry out, with the status and why

Nothing here imports the routes (server/routes/) or FastAPI's request objects; the routes turn
`Refused` into an HTTP answer.
"""
