def route_by_app(name, args, kwargs, options, task=None, **kw):
    """Route `apps.<app>.tasks.x` and `shop.<app>.tasks.x` to the queue named `<app>`."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[0] in ("apps", "shop"):
        return {"queue": parts[1]}
    return None
