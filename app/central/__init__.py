"""The central sync service (docs/sync.md): terminals and their tokens, push (counter events
applied exactly once), pull (the change sequence materialised as rows and events), join
snapshots, and the HTTP server that carries them. No Qt, no ui, no drivers here."""
