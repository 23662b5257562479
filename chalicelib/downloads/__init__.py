"""Download counts: every download of a file counted per file and per day, without a hot item.

Downloads through the app's /packages/ route are counted as they are answered (counting);
public files the CDN serves (or the local file server) are counted from its access logs, in
batches, once each (logs). Pages read a project's daily counts by version (stats) and draw
them (chart). Depends on core only: callers tell it which project and file a download was of."""
