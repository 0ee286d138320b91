"""All tables of the product, on one MetaData (app.db.base.metadata)."""

from app.db.models.audit import AuditChainHead, AuditEvent, CentralAuditHead
from app.db.models.billing import BillAdjustment, BillLine, BillRun
from app.db.models.cashier import (
    Allocation,
    CashCount,
    Deposit,
    GatewayOrder,
    Payment,
    PrintJob,
    Receipt,
    ReceiptSequence,
    ReceiptVoid,
    Refund,
    Shift,
    Tender,
)
from app.db.models.collect import BankMandate, CollectBatch, CollectLine
from app.db.models.closing import DayClose, ExceptionCase, Statement, StatementLine
from app.db.models.fees import FeeItem, TariffVersion
from app.db.models.ledger import LedgerAccount, LedgerTxn, Posting
from app.db.models.meters import Meter, MeterReading
from app.db.models.org import Building, Community, Occupancy, Party, Room, Vehicle
from app.db.models.people import Role, Terminal, User
from app.db.models.refunds import DepositReturn, RefundOrder
from app.db.models.sync import SyncChange, SyncConflict, SyncCursor, SyncEvent, SyncOutbox

__all__ = [
    "Allocation", "AuditChainHead", "AuditEvent", "BankMandate", "CollectBatch", "CollectLine", "BillAdjustment",
    "BillLine", "BillRun", "Building", "CashCount", "CentralAuditHead", "Community", "DayClose", "Deposit",
    "DepositReturn", "ExceptionCase", "FeeItem", "GatewayOrder", "LedgerAccount",
    "LedgerTxn", "Meter", "MeterReading", "Occupancy", "Party", "Payment", "Posting", "PrintJob",
    "Receipt", "ReceiptSequence", "ReceiptVoid", "Refund", "RefundOrder", "Role", "Room", "Shift", "Statement",
    "StatementLine", "SyncChange", "SyncConflict", "SyncCursor", "SyncEvent", "SyncOutbox", "TariffVersion",
    "Tender", "Terminal", "User", "Vehicle",
]
