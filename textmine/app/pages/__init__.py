"""One module per page; each exposes ``render(ctx: Context) -> None``."""
