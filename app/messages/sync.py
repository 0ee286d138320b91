"""Messages of central sync (docs/sync.md)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sync.unknown_event_type": ("无法识别的同步事件类型“{event_type}”：请升级本程序后再同步。",
                                "Unknown sync event type {event_type!r}: upgrade this program, then sync again."),
    "sync.unknown_event_version": ("同步事件“{event_type}”的版本 {version} 无法识别：请升级本程序后再同步。",
                                   "Sync event {event_type!r} has unknown version {version}: upgrade this program, "
                                   "then sync again."),
}
