"""The audit chain, secrets, backups and restores (issue 15)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "audit.ok": ("审计链完整：共 {events} 条记录，未发现修改、删除或插入。",
                 "Audit chain intact: {events} events, nothing edited, removed or inserted."),
    "audit.broken": ("审计链被破坏：收银台 {chain} 第 {seq} 条（{action}）{reason}。请立即报告主管，并从备份核对。",
                     "Audit chain broken: terminal {chain} event {seq} ({action}) {reason}. Tell a manager now "
                     "and compare with a backup."),
    "audit.broken_fact": ("审计链被破坏：{reason}（收银台 {chain}，{what}）。请立即报告主管，并从备份核对。",
                          "Audit chain broken: {reason} (terminal {chain}, {what}). Tell a manager now and compare "
                          "with a backup."),
    "audit.reason.event_edited": ("记录内容被修改", "the event was edited"),
    "audit.reason.event_removed": ("之前的记录被删除", "an event before it was removed"),
    "audit.reason.event_inserted": ("是插入的记录", "the event was inserted"),
    "audit.reason.link_broken": ("与前一条记录对不上", "does not link to the event before it"),
    "audit.reason.facts_changed": ("对应的收款/作废数据被修改", "the payment or void it records was changed"),
    "audit.reason.facts_removed": ("对应的收款/作废数据被删除", "the payment or void it records was deleted"),
    "audit.reason.tail_removed": ("之后的记录被删除", "events after it were removed"),
    "audit.reason.head_behind": ("链头记录与最后一条不符", "the chain head does not match the last event"),
    "audit.reason.head_missing": ("链头记录被删除", "the chain head was removed"),
    "audit.reason.payment_without_event": ("有一笔收款没有审计记录（可能是直接插入数据库的）",
                                           "a payment has no audit event (possibly inserted into the database)"),
    "audit.reason.void_without_event": ("有一笔作废没有审计记录", "a void has no audit event"),
    "audit.trail_which": ("请给出票号（--receipt）或房号（--room）其中之一。", "Give either --receipt or --room."),
    "audit.no_receipt": ("找不到票据“{receipt}”：请核对票号。", "No receipt {receipt!r}: check the number."),
    "audit.head_not_extending": (
        "收银台 {terminal} 的审计链与中心记录的不一致（中心第 {central_seq} 条，收银台报告第 {seq} 条）："
        "该收银台的历史记录可能被改写，请主管核查。",
        "Terminal {terminal}'s audit chain does not extend the one central holds (central at event "
        "{central_seq}, the counter reports {seq}): its past may have been rewritten; a manager must check."),
    "audit.bad_head": ("审计链头格式不对：{why}", "Malformed audit chain head: {why}"),
    # backups
    "backup.not_sqlite": ("只能备份本机的 SQLite 数据库；中心 PostgreSQL 数据库请用 pg_dump 备份。",
                          "Only the local SQLite database can be backed up here; back up the central PostgreSQL "
                          "database with pg_dump."),
    "backup.output_required": ("请用 -o 给出备份文件名。", "Give the backup file with -o."),
    "backup.target_exists": ("目标文件“{path}”已存在：请换一个文件名。", "{path} already exists: choose another name."),
    "backup.target_not_empty": ("恢复目标“{path}”已存在且不是空的：请选一个新的位置。",
                                "The restore target {path} exists and is not empty: choose a new place."),
    "backup.no_file": ("找不到备份文件“{path}”。", "No backup file {path}."),
    "backup.no_passphrase": ("这个备份已加密：请输入备份密码。", "This backup is encrypted: give its passphrase."),
    "backup.passphrase_required": ("加密备份需要密码：请输入备份密码。", "An encrypted backup needs a passphrase."),
    "backup.wrong_passphrase": ("备份密码不对，或备份文件已损坏。", "Wrong passphrase, or the backup file is damaged."),
    "backup.damaged": ("备份文件已损坏或不是 PropDesk 备份：{why}", "The backup is damaged or not a PropDesk backup: {why}"),
    "backup.verify_failed": ("备份校验未通过：{why}。此备份不能用。", "The backup failed its check: {why}. Do not use it."),
    "backup.ok": ("备份完成并已校验：{file}（{bytes} 字节）", "Backup written and verified: {file} ({bytes} bytes)"),
    "backup.restored": ("已恢复并校验：{file}（{bytes} 字节）", "Restored and verified: {file} ({bytes} bytes)"),
    "backup.no_folder": ("还没有选择自动备份文件夹：请在“设置 → 自动备份文件夹”中选择。",
                         "No automatic backup folder chosen yet: choose one in Settings → Automatic backup folder."),
    "backup.folder_unusable": ("自动备份文件夹“{path}”不能使用：{why}", "The backup folder {path} cannot be used: {why}"),
    # receipt QR verification: every field against the record
    "qr.time_differs": ("二维码上的开票时间（{qr_time}）与收据 {receipt_no} 的记录不符：不要认可这张收据。",
                        "The QR's issue time ({qr_time}) differs from receipt {receipt_no} on record: do not "
                        "accept it."),
    "qr.terminal_differs": ("收据 {receipt_no} 的记录不是这台收银机开出的：不要认可这张收据。",
                            "Receipt {receipt_no} on record was not issued by the counter its number names: do not "
                            "accept it."),
    "qr.not_in_books": ("签名有效，但账上没有收据 {receipt_no}，而本机确实开出过这个号码：记录可能被删除，请立即报告主管。",
                        "Signature valid, but receipt {receipt_no} is not in the books although this counter issued "
                        "that number: the record may have been deleted; tell a manager now."),
    # secrets
    "secrets.missing": ("收银台 {terminal} 的签名密钥不在本机的密钥库中：请由主管恢复密钥或重新初始化该收银台。",
                        "Terminal {terminal}'s signing key is not in this computer's key store: a manager must "
                        "restore it or set the terminal up again."),
}
