<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>AdminPage</name>
        <message>
            <source>Administrator</source>
            <translation>管理员</translation>
        </message>
        <message>
            <source>The first user, admin, may add cashiers and change every setting. Choose its password (at least 6 characters).</source>
            <translation>第一个用户 admin 可以添加收银员、更改所有设置。请为它设置密码（至少 6 位）。</translation>
        </message>
        <message>
            <source>User</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Password again</source>
            <translation>再次输入密码</translation>
        </message>
    </context>
    <context>
        <name>ApprovalDialog</name>
        <message>
            <source>Manager approval</source>
            <translation>主管批准</translation>
        </message>
        <message>
            <source>Approver</source>
            <translation>批准人</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>The approver types her name and password</source>
            <translation>请批准人输入用户名和密码</translation>
        </message>
        <message>
            <source>Supervisor approval</source>
            <translation>主管审批</translation>
        </message>
        <message>
            <source>This needs a supervisor's approval: {0}</source>
            <translation>此操作需要主管审批：{0}</translation>
        </message>
        <message>
            <source>Type the approver's user name</source>
            <translation>请输入审批人用户名</translation>
        </message>
        <message>
            <source>Type the approver's password</source>
            <translation>请输入审批人密码</translation>
        </message>
    </context>
    <context>
        <name>AuditTrailDialog</name>
        <message>
            <source>{0} recorded actions</source>
            <translation>共 {0} 条操作记录</translation>
        </message>
        <message>
            <source>No recorded actions</source>
            <translation>没有操作记录</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Counter</source>
            <translation>收银台</translation>
        </message>
        <message>
            <source>User</source>
            <translation>操作员</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>详情</translation>
        </message>
        <message>
            <source>Audit trail of receipt {0}</source>
            <translation>票据 {0} 的操作记录</translation>
        </message>
        <message>
            <source>Audit trail of room {0}</source>
            <translation>房间 {0} 的操作记录</translation>
        </message>
    </context>
    <context>
        <name>BackupBridge</name>
        <message>
            <source>Automatic backup failed: {0}</source>
            <translation>自动备份失败：{0}</translation>
        </message>
        <message>
            <source>Automatic backup folder</source>
            <translation>自动备份文件夹</translation>
        </message>
        <message>
            <source>Backup written: {0}</source>
            <translation>已备份：{0}</translation>
        </message>
        <message>
            <source>Backup written but its check FAILED: {0}</source>
            <translation>已备份，但校验未通过：{0}</translation>
        </message>
        <message>
            <source>Automatic backup folder…</source>
            <translation>自动备份文件夹…</translation>
        </message>
    </context>
    <context>
        <name>BillLinesModel</name>
        <message>
            <source>Period</source>
            <translation>期间</translation>
        </message>
        <message>
            <source>Fee</source>
            <translation>费项</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>已付</translation>
        </message>
        <message>
            <source>Late fee</source>
            <translation>滞纳金</translation>
        </message>
        <message>
            <source>To pay</source>
            <translation>应付</translation>
        </message>
        <message>
            <source>Due date</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>How it is computed</source>
            <translation>计算方式</translation>
        </message>
        <message>
            <source>(one-off)</source>
            <translation>(临时)</translation>
        </message>
        <message>
            <source>late fee {0}</source>
            <translation>滞纳金 {0}</translation>
        </message>
    </context>
    <context>
        <name>CameraDialog</name>
        <message>
            <source>Scan with the camera</source>
            <translation>摄像头扫码</translation>
        </message>
        <message>
            <source>Starting the camera…</source>
            <translation>正在打开摄像头…</translation>
        </message>
        <message>
            <source>Hold the resident's payment code, or a receipt or notice QR code, up to the camera.</source>
            <translation>请住户将付款码（或收据、缴费通知单上的二维码）对准摄像头。</translation>
        </message>
        <message>
            <source>Payment code · {0}</source>
            <translation>付款码 · {0}</translation>
        </message>
        <message>
            <source>QR code</source>
            <translation>二维码</translation>
        </message>
        <message>
            <source>Read: {0} {1}</source>
            <translation>已识别：{0} {1}</translation>
        </message>
    </context>
    <context>
        <name>CasesModel</name>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类别</translation>
        </message>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>What happened</source>
            <translation>情况</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>待处理</translation>
        </message>
        <message>
            <source>Handled by {0}: {1}</source>
            <translation>{0} 已处理：{1}</translation>
        </message>
    </context>
    <context>
        <name>ChangePasswordDialog</name>
        <message>
            <source>Change password</source>
            <translation>修改密码</translation>
        </message>
        <message>
            <source>Your password was set by someone else: choose your own before you go on.</source>
            <translation>您的密码是他人设定的：请先设定自己的新密码再继续。</translation>
        </message>
        <message>
            <source>User</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Current password</source>
            <translation>当前密码</translation>
        </message>
        <message>
            <source>New password</source>
            <translation>新密码</translation>
        </message>
        <message>
            <source>New password again</source>
            <translation>再次输入新密码</translation>
        </message>
        <message>
            <source>The two new passwords differ</source>
            <translation>两次输入的新密码不一致</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>正在保存…</translation>
        </message>
    </context>
    <context>
        <name>CheckoutView</name>
        <message>
            <source>Pick a line to see its calculation</source>
            <translation>选中一行，查看计算过程</translation>
        </message>
        <message>
            <source>Scan with the camera…</source>
            <translation>摄像头扫码…</translation>
        </message>
        <message>
            <source>A payment code was scanned: find the household first, then scan it again</source>
            <translation>扫到的是付款码：请先找到住户，再扫一次付款码</translation>
        </message>
        <message>
            <source>Nothing found for “{0}”</source>
            <translation>未找到“{0}”</translation>
        </message>
        <message>
            <source>Scanned: {0}</source>
            <translation>已扫码：{0}</translation>
        </message>
        <message>
            <source>Customer display: {0}</source>
            <translation>客显：{0}</translation>
        </message>
        <message>
            <source>Find a household first</source>
            <translation>请先查找住户</translation>
        </message>
        <message>
            <source>Tick the bill lines to pay (Space)</source>
            <translation>请勾选要缴的账单行（空格键）</translation>
        </message>
        <message>
            <source>Charging {0} to the {1} payment code…</source>
            <translation>正在向{1}付款码收款 {0}…</translation>
        </message>
        <message>
            <source>Waiting for the resident to enter the password…</source>
            <translation>等待用户输入密码…</translation>
        </message>
        <message>
            <source>Paid: receipt {0}</source>
            <translation>收款成功：收据 {0}</translation>
        </message>
    </context>
    <context>
        <name>CollectView</name>
        <message>
            <source>Export debit file…</source>
            <translation>导出扣款文件…</translation>
        </message>
        <message>
            <source>Book return file…</source>
            <translation>导入回盘文件…</translation>
        </message>
        <message>
            <source>Period</source>
            <translation>账期</translation>
        </message>
        <message>
            <source>Bank file layout</source>
            <translation>银行文件格式</translation>
        </message>
        <message>
            <source>Bank collection</source>
            <translation>银行托收</translation>
        </message>
        <message>
            <source>Batch</source>
            <translation>批次号</translation>
        </message>
        <message>
            <source>Layout</source>
            <translation>格式</translation>
        </message>
        <message>
            <source>Debits</source>
            <translation>笔数</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Returned</source>
            <translation>已回盘</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>成功</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>waiting</source>
            <translation>等待回盘</translation>
        </message>
        <message>
            <source>Save debit file</source>
            <translation>保存扣款文件</translation>
        </message>
        <message>
            <source>Batch {0}: {1} debits, {2} yuan, saved to {3}</source>
            <translation>批次 {0}：{1} 笔，共 {2} 元，已保存到 {3}</translation>
        </message>
        <message>
            <source>Open the bank's return file</source>
            <translation>打开银行回盘文件</translation>
        </message>
        <message>
            <source>Batch {0}: {1} paid, {2} failed</source>
            <translation>批次 {0}：成功 {1} 笔，失败 {2} 笔</translation>
        </message>
    </context>
    <context>
        <name>CommunityOptionsDialog</name>
        <message>
            <source>Community options</source>
            <translation>小区选项</translation>
        </message>
        <message>
            <source>Bill run deducts prepaid balances</source>
            <translation>预存自动抵扣（出账时用预存余额抵扣）</translation>
        </message>
        <message>
            <source>After each bill run, a room's prepaid balance pays its new bill lines (oldest first), as a prepaid payment.</source>
            <translation>每次出账后，用房间的预存余额按到期先后抵扣新出的账单，记为预存付款。</translation>
        </message>
        <message>
            <source>The most change a counter may hand back in one payment; 0: the customer pays exactly.</source>
            <translation>一笔收款最多能找给客户的金额；填 0 表示不找零，客户须付足额。</translation>
        </message>
        <message>
            <source>Community</source>
            <translation>小区</translation>
        </message>
        <message>
            <source>Change limit (yuan)</source>
            <translation>找零上限（元）</translation>
        </message>
        <message>
            <source>There is no community yet: import the rooms first.</source>
            <translation>还没有小区：请先导入房间资料。</translation>
        </message>
        <message>
            <source>Only finance staff or a manager can change community options.</source>
            <translation>只有财务或主管可以修改小区选项。</translation>
        </message>
    </context>
    <context>
        <name>CounterStatusBar</name>
        <message>
            <source>Sync: local only</source>
            <translation>同步：仅本地</translation>
        </message>
        <message>
            <source>Sync problems: {0}</source>
            <translation>同步异常 {0}</translation>
        </message>
        <message>
            <source>Sync problems</source>
            <translation>同步异常</translation>
        </message>
        <message>
            <source>Online · {0} to upload</source>
            <translation>在线 · 待上传 {0}</translation>
        </message>
        <message>
            <source>Online</source>
            <translation>在线</translation>
        </message>
        <message>
            <source>Offline · {0} to upload</source>
            <translation>离线 · 待上传 {0}</translation>
        </message>
        <message>
            <source>Shift: …</source>
            <translation>班次：…</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>处理中…</translation>
        </message>
        <message>
            <source>Waiting for the database (a bill run or an import may be running), please wait…</source>
            <translation>正在等待数据库（可能正在出账或导入），请稍候…</translation>
        </message>
        <message>
            <source>User: {0}</source>
            <translation>操作员：{0}</translation>
        </message>
        <message>
            <source>Counter: {0}</source>
            <translation>收银台：{0}</translation>
        </message>
        <message>
            <source>Shift open since {0} (float {1})</source>
            <translation>已开班 {0}（备用金 {1}）</translation>
        </message>
        <message>
            <source>No open shift (F11)</source>
            <translation>未开班（F11 开班）</translation>
        </message>
        <message>
            <source>Printer: not set up (Ctrl+Shift+P)</source>
            <translation>打印机：未设置（按 Ctrl+Shift+P 设置）</translation>
        </message>
        <message>
            <source>Printer: {0} mm, {1}</source>
            <translation>打印机：{0} 毫米，{1}</translation>
        </message>
        <message>
            <source>{0} receipts not printed — Retry</source>
            <translation>{0} 张票据未打印 — 点此重打</translation>
        </message>
    </context>
    <context>
        <name>DayCloseView</name>
        <message>
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <source>WeChat Pay statement (ALL)</source>
            <translation>微信支付对账单（全部）</translation>
        </message>
        <message>
            <source>Alipay business detail</source>
            <translation>支付宝业务明细</translation>
        </message>
        <message>
            <source>Bank POS settlement</source>
            <translation>银行卡POS结算单</translation>
        </message>
        <message>
            <source>Statements of the day</source>
            <translation>当日对账单</translation>
        </message>
        <message>
            <source>Business day</source>
            <translation>营业日</translation>
        </message>
        <message>
            <source>(none: not reconciled)</source>
            <translation>（不选则不对账）</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>选择…</translation>
        </message>
        <message>
            <source>Reconcile</source>
            <translation>对账</translation>
        </message>
        <message>
            <source>Lock the day…</source>
            <translation>锁定该日…</translation>
        </message>
        <message>
            <source>Tender</source>
            <translation>支付方式</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Cashier</source>
            <translation>收银员</translation>
        </message>
        <message>
            <source>Payments</source>
            <translation>笔数</translation>
        </message>
        <message>
            <source>Fee item</source>
            <translation>收费项目</translation>
        </message>
        <message>
            <source>By tender</source>
            <translation>按支付方式</translation>
        </message>
        <message>
            <source>By cashier</source>
            <translation>按收银员</translation>
        </message>
        <message>
            <source>By fee item</source>
            <translation>按收费项目</translation>
        </message>
        <message>
            <source>Choose the day and its statement files, then Reconcile.</source>
            <translation>选择营业日和当日对账单文件，然后点“对账”。</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <source>Reference</source>
            <translation>单号</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Day close</source>
            <translation>日结对账</translation>
        </message>
        <message>
            <source>Choose the statement file</source>
            <translation>选择对账单文件</translation>
        </message>
        <message>
            <source>Statements (*.csv *.txt);;All files (*)</source>
            <translation>对账单 (*.csv *.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Lock {0}? After locking, no receipt of that day can be voided or changed; corrections are made on a later day.</source>
            <translation>锁定 {0}？锁定后该日的收据不能再作废或修改，更正只能在以后的日子另做。</translation>
        </message>
        <message>
            <source>{0} discrepancies will be opened as exceptions for follow-up.</source>
            <translation>{0} 条差异将记为异常，待跟进处理。</translation>
        </message>
        <message>
            <source>Lock the day</source>
            <translation>锁定该日</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>同步</translation>
        </message>
        <message>
            <source>Locked</source>
            <translation>已锁定</translation>
        </message>
        <message>
            <source>Preview — not locked yet</source>
            <translation>预览——尚未锁定</translation>
        </message>
        <message>
            <source>{0} {1}: {2} payments, {3} statement lines matched, {4} discrepancies. {5}</source>
            <translation>{0} {1}：缴费 {2} 笔，对账单相符 {3} 笔，差异 {4} 条。{5}</translation>
        </message>
    </context>
    <context>
        <name>DepositDialog</name>
        <message>
            <source>Collect a deposit</source>
            <translation>收取押金</translation>
        </message>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>Purpose</source>
            <translation>押金类型</translation>
        </message>
        <message>
            <source>Say what the deposit is for</source>
            <translation>请填写押金用途</translation>
        </message>
    </context>
    <context>
        <name>DepositRefundDialog</name>
        <message>
            <source>Return a deposit</source>
            <translation>退押金</translation>
        </message>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>Deposit</source>
            <translation>押金</translation>
        </message>
        <message>
            <source>Keep (deduction)</source>
            <translation>扣除金额</translation>
        </message>
        <message>
            <source>Why is part of it kept?</source>
            <translation>为什么扣除？</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Pay out by</source>
            <translation>退款方式</translation>
        </message>
        <message>
            <source>card: 12-digit reference of the refund slip; transfer: its no.</source>
            <translation>银行卡：退货签购单12位参考号；转账：转账单号</translation>
        </message>
        <message>
            <source>Reference no.</source>
            <translation>参考号</translation>
        </message>
        <message>
            <source>This room holds no deposit</source>
            <translation>该房间没有未退押金</translation>
        </message>
        <message>
            <source>The deduction is more than the deposit</source>
            <translation>扣除金额超过押金</translation>
        </message>
        <message>
            <source>Say why part of the deposit is kept</source>
            <translation>请注明扣除押金的原因</translation>
        </message>
    </context>
    <context>
        <name>Detail</name>
        <message>
            <source>{0} days of {1}</source>
            <translation>{1} 天中的 {0} 天</translation>
        </message>
        <message>
            <source>{0} m² × ¥{1}/m²</source>
            <translation>{0} m² × ¥{1}/m²</translation>
        </message>
        <message>
            <source>¥{0} per month</source>
            <translation>每月 ¥{0}</translation>
        </message>
        <message>
            <source>{0} units, {1} tiers</source>
            <translation>用量 {0}，{1} 个阶梯</translation>
        </message>
        <message>
            <source>{0} units × ¥{1}</source>
            <translation>用量 {0} × ¥{1}</translation>
        </message>
        <message>
            <source>share {0}/{1} of ¥{2}</source>
            <translation>分摊 {0}/{1}，总额 ¥{2}</translation>
        </message>
        <message>
            <source>one-off: {0}</source>
            <translation>临时收费：{0}</translation>
        </message>
        <message>
            <source>correction: {0}</source>
            <translation>更正：{0}</translation>
        </message>
        <message>
            <source>{0} days × {1}/day</source>
            <translation>{0} 天 × 日 {1}</translation>
        </message>
        <message>
            <source>(capped)</source>
            <translation>（已封顶）</translation>
        </message>
        <message>
            <source>rounded to the fen</source>
            <translation>四舍五入到分</translation>
        </message>
        <message>
            <source>rounded to the fen (half even)</source>
            <translation>银行家舍入到分</translation>
        </message>
        <message>
            <source>rounded to the jiao</source>
            <translation>四舍五入到角</translation>
        </message>
        <message>
            <source>rounded to the yuan</source>
            <translation>四舍五入到元</translation>
        </message>
        <message>
            <source>rounded up to the fen</source>
            <translation>进位到分</translation>
        </message>
        <message>
            <source>rounded down to the fen</source>
            <translation>舍去到分</translation>
        </message>
        <message>
            <source>Fee</source>
            <translation>费项</translation>
        </message>
        <message>
            <source>Period</source>
            <translation>期间</translation>
        </message>
        <message>
            <source>Due date</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Area × unit price</source>
            <translation>面积 × 单价</translation>
        </message>
        <message>
            <source>Monthly price</source>
            <translation>月单价</translation>
        </message>
        <message>
            <source>Months</source>
            <translation>月数</translation>
        </message>
        <message>
            <source>{0} of {1} days (from {2})</source>
            <translation>{1} 天中的 {0} 天（自 {2} 起）</translation>
        </message>
        <message>
            <source>Meter {0}</source>
            <translation>表 {0}</translation>
        </message>
        <message>
            <source>{0} → {1} × {2} = {3}</source>
            <translation>{0} → {1} × 倍率 {2} = {3}</translation>
        </message>
        <message>
            <source>Usage × unit price</source>
            <translation>用量 × 单价</translation>
        </message>
        <message>
            <source>Billed before in tier period</source>
            <translation>本阶梯周期已计用量</translation>
        </message>
        <message>
            <source>Tier {0} ({1}–{2})</source>
            <translation>第 {0} 阶（{1}–{2}）</translation>
        </message>
        <message>
            <source>Public meter</source>
            <translation>公共表</translation>
        </message>
        <message>
            <source>Public usage × unit price</source>
            <translation>公共用量 × 单价</translation>
        </message>
        <message>
            <source>Split by</source>
            <translation>分摊方式</translation>
        </message>
        <message>
            <source>area</source>
            <translation>按面积</translation>
        </message>
        <message>
            <source>household</source>
            <translation>按户</translation>
        </message>
        <message>
            <source>This room's share</source>
            <translation>本户份额</translation>
        </message>
        <message>
            <source>households</source>
            <translation>户</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Exact amount</source>
            <translation>精确金额</translation>
        </message>
        <message>
            <source>Correction</source>
            <translation>更正</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>已付</translation>
        </message>
        <message>
            <source>Late fee</source>
            <translation>滞纳金</translation>
        </message>
        <message>
            <source>¥{0} × {1}/day × {2} days = ¥{3}</source>
            <translation>¥{0} × 日 {1} × {2} 天 = ¥{3}</translation>
        </message>
        <message>
            <source>Grace days</source>
            <translation>宽限天数</translation>
        </message>
        <message>
            <source>Capped at</source>
            <translation>封顶金额</translation>
        </message>
        <message>
            <source>Waived</source>
            <translation>已减免</translation>
        </message>
    </context>
    <context>
        <name>DonePage</name>
        <message>
            <source>Handheld dock: {0}</source>
            <translation>抄表机座：{0}</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>设置完成</translation>
        </message>
        <message>
            <source>Press Finish to save and open the counter.</source>
            <translation>点“完成”保存设置并打开收银台。</translation>
        </message>
        <message>
            <source>standalone</source>
            <translation>单机使用</translation>
        </message>
        <message>
            <source>joined to central</source>
            <translation>已接入总部</translation>
        </message>
        <message>
            <source>Terminal: {0}</source>
            <translation>收银台编号：{0}</translation>
        </message>
        <message>
            <source>Mode: {0}</source>
            <translation>使用方式：{0}</translation>
        </message>
        <message>
            <source>Printer: {0} {1}</source>
            <translation>打印机：{0} {1}</translation>
        </message>
        <message>
            <source>Pole display: {0}</source>
            <translation>客显：{0}</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>Change any of it later: Settings → Printer… for the printer and ports.</source>
            <translation>以后都可以更改：打印机和串口在“设置 → 打印机…”中。</translation>
        </message>
    </context>
    <context>
        <name>ExceptionsView</name>
        <message>
            <source>Open only</source>
            <translation>只看待处理</translation>
        </message>
        <message>
            <source>Mark handled…</source>
            <translation>标记已处理…</translation>
        </message>
        <message>
            <source>Business exceptions for the manager</source>
            <translation>需要主管处理的业务异常</translation>
        </message>
        <message>
            <source>Exceptions</source>
            <translation>异常处理</translation>
        </message>
        <message>
            <source>This counter's records central refused: {0} (kept, never dropped)</source>
            <translation>本机被总部拒收的记录：{0} 条（已保留，不会丢弃）</translation>
        </message>
        <message>
            <source>Mark handled</source>
            <translation>标记已处理</translation>
        </message>
        <message>
            <source>How was it handled? (e.g. refunded to the owner, credit kept)</source>
            <translation>如何处理的？（例如：已退给业主、余额留作预存）</translation>
        </message>
    </context>
    <context>
        <name>FirstRunWizard</name>
        <message>
            <source>PropDesk — first-run setup</source>
            <translation>PropDesk 物业前台收银台 — 首次使用设置</translation>
        </message>
        <message>
            <source>Next &gt;</source>
            <translation>下一步 &gt;</translation>
        </message>
        <message>
            <source>&lt; Back</source>
            <translation>&lt; 上一步</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Test page printed: check the paper.</source>
            <translation>测试页已打印：请查看打印纸。</translation>
        </message>
        <message>
            <source>Test page failed: {0}</source>
            <translation>测试页打印失败：{0}</translation>
        </message>
    </context>
    <context>
        <name>HandheldDialog</name>
        <message>
            <source>Handheld</source>
            <translation>抄表机</translation>
        </message>
        <message>
            <source>all communities</source>
            <translation>全部小区</translation>
        </message>
        <message>
            <source>all buildings</source>
            <translation>全部楼栋</translation>
        </message>
        <message>
            <source>Dock port</source>
            <translation>底座串口</translation>
        </message>
        <message>
            <source>Reading period</source>
            <translation>抄表账期</translation>
        </message>
        <message>
            <source>Community</source>
            <translation>小区</translation>
        </message>
        <message>
            <source>Building</source>
            <translation>楼栋</translation>
        </message>
        <message>
            <source>Download route to handheld</source>
            <translation>下载抄表路线到抄表机</translation>
        </message>
        <message>
            <source>Upload readings from handheld</source>
            <translation>从抄表机上传读数</translation>
        </message>
        <message>
            <source>Put the handheld in its dock, then download or upload.</source>
            <translation>请把抄表机放到底座上，然后下载路线或上传读数。</translation>
        </message>
        <message>
            <source>Readings to review or re-read:</source>
            <translation>需审核或重抄的读数：</translation>
        </message>
        <message>
            <source>Choose the dock's serial port first.</source>
            <translation>请先选择底座所接的串口。</translation>
        </message>
        <message>
            <source>Downloading the route…</source>
            <translation>正在下载抄表路线…</translation>
        </message>
        <message>
            <source>Receiving readings…</source>
            <translation>正在接收读数…</translation>
        </message>
        <message>
            <source>Route of {0} meters sent to handheld {1}.</source>
            <translation>已把 {0} 块表的抄表路线下载到抄表机 {1}。</translation>
        </message>
        <message>
            <source>Readings received from handheld {0}.</source>
            <translation>已从抄表机 {0} 收到读数。</translation>
        </message>
        <message>
            <source>Received {0}: accepted {1}, flagged for review {2}, rejected {3}</source>
            <translation>收到 {0} 条：有效 {1}，待审核 {2}，退回 {3}</translation>
        </message>
        <message>
            <source>Review</source>
            <translation>待审核</translation>
        </message>
        <message>
            <source>Rejected</source>
            <translation>退回</translation>
        </message>
        <message>
            <source>Wait until the transfer ends.</source>
            <translation>传输进行中，请等待结束后再关闭。</translation>
        </message>
    </context>
    <context>
        <name>HitsModel</name>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>Community</source>
            <translation>小区</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>业主</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>Area m²</source>
            <translation>面积 m²</translation>
        </message>
        <message>
            <source>Use</source>
            <translation>用途</translation>
        </message>
        <message>
            <source>Matched by</source>
            <translation>匹配</translation>
        </message>
    </context>
    <context>
        <name>HouseholdCard</name>
        <message>
            <source>Owner</source>
            <translation>业主</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>Area</source>
            <translation>面积</translation>
        </message>
        <message>
            <source>Prepaid balance</source>
            <translation>预存余额</translation>
        </message>
        <message>
            <source>Deposits held</source>
            <translation>押金</translation>
        </message>
        <message>
            <source>Arrears</source>
            <translation>欠费</translation>
        </message>
        <message>
            <source>Late fees</source>
            <translation>滞纳金</translation>
        </message>
        <message>
            <source>No household selected</source>
            <translation>未选择住户</translation>
        </message>
        <message>
            <source>(no owner on record)</source>
            <translation>（无业主记录）</translation>
        </message>
        <message>
            <source>Audit trail…</source>
            <translation>操作记录…</translation>
        </message>
    </context>
    <context>
        <name>LanguagePage</name>
        <message>
            <source>Welcome to PropDesk</source>
            <translation>欢迎使用 PropDesk</translation>
        </message>
        <message>
            <source>This counter is new. A few questions and it is ready. Language:</source>
            <translation>这台收银电脑是新装的，回答几个问题即可开始使用。界面语言：</translation>
        </message>
        <message>
            <source>Everything you choose here can be changed later in the Settings menu.</source>
            <translation>这里的选择以后都可以在“设置”菜单中更改。</translation>
        </message>
    </context>
    <context>
        <name>LockDialog</name>
        <message>
            <source>PropDesk — locked</source>
            <translation>PropDesk — 已锁屏</translation>
        </message>
        <message>
            <source>Locked. Type your password to go on, or another user's name and password to switch user.</source>
            <translation>已锁屏：输入您的密码继续，或输入其他用户的用户名和密码切换用户。</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>PropDesk — log in</source>
            <translation>PropDesk — 登录</translation>
        </message>
        <message>
            <source>Counter</source>
            <translation>收银台</translation>
        </message>
        <message>
            <source>User</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Type your user name</source>
            <translation>请输入用户名</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>正在验证…</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Checkout (Ctrl+1)</source>
            <translation>收银 (Ctrl+1)</translation>
        </message>
        <message>
            <source>Receipts (Ctrl+2)</source>
            <translation>票据 (Ctrl+2)</translation>
        </message>
        <message>
            <source>PropDesk counter</source>
            <translation>PropDesk 物业前台收银台</translation>
        </message>
        <message>
            <source>Payment done: receipt {0}</source>
            <translation>收款完成：收据 {0}</translation>
        </message>
        <message>
            <source>Reprint of receipt {0}</source>
            <translation>重打收据 {0}</translation>
        </message>
        <message>
            <source>Test page printed</source>
            <translation>测试页已打印</translation>
        </message>
        <message>
            <source>Printed {0}</source>
            <translation>已打印 {0}</translation>
        </message>
        <message>
            <source>Test page failed: {0}</source>
            <translation>测试页没有打印出来：{0}</translation>
        </message>
        <message>
            <source>Printing failed (kept for retry): {0}</source>
            <translation>打印失败（已保留，可重试）：{0}</translation>
        </message>
        <message>
            <source>Printing {0} failed receipts again…</source>
            <translation>正在重新打印 {0} 张未打印的票据…</translation>
        </message>
        <message>
            <source>No open shift: press F11 to open one, then take the payment.</source>
            <translation>未开班：请按 F11 开班，再收款。</translation>
        </message>
        <message>
            <source>No receipt printer is set up: this payment's receipt will not print. Set it up under Settings → Printer (Ctrl+Shift+P), or ask a manager.

Take the payment anyway?</source>
            <translation>本机未设置票据打印机：这笔收款的票据不会打印出来。请在“设置 → 打印机”（Ctrl+Shift+P）中设置，或请主管设置。

仍要收款吗？</translation>
        </message>
        <message>
            <source>{0} receipts failed to print. Check the printer (paper, cable, power), then click “Retry” in the status bar.

Take the payment anyway?</source>
            <translation>有 {0} 张票据打印失败。请检查打印机（纸、连线、电源），然后点状态栏里的“重打”。

仍要收款吗？</translation>
        </message>
        <message>
            <source>Receipts will not print</source>
            <translation>票据打印不出来</translation>
        </message>
        <message>
            <source>&amp;Counter</source>
            <translation>收银(&amp;C)</translation>
        </message>
        <message>
            <source>Prepaid top-up…</source>
            <translation>预存充值…</translation>
        </message>
        <message>
            <source>Deposit…</source>
            <translation>收押金…</translation>
        </message>
        <message>
            <source>One-off charge…</source>
            <translation>临时收费…</translation>
        </message>
        <message>
            <source>Open shift…</source>
            <translation>开班…</translation>
        </message>
        <message>
            <source>Close shift…</source>
            <translation>交班…</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>Checkout</source>
            <translation>收银</translation>
        </message>
        <message>
            <source>Receipts</source>
            <translation>票据</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>设置(&amp;S)</translation>
        </message>
        <message>
            <source>Printer…</source>
            <translation>打印机…</translation>
        </message>
        <message>
            <source>Community options…</source>
            <translation>小区选项…</translation>
        </message>
        <message>
            <source>Find a household first (F6)</source>
            <translation>请先查找住户（F6）</translation>
        </message>
        <message>
            <source>The shift is already open. To hand over, close it with F12.</source>
            <translation>已经开班了。交班请按 F12。</translation>
        </message>
        <message>
            <source>Shift opened with a float of {0}</source>
            <translation>已开班，备用金 {0}</translation>
        </message>
        <message>
            <source>No open shift to close. Press F11 to open one.</source>
            <translation>没有要交的班：开班请按 F11。</translation>
        </message>
        <message>
            <source>Shift closed. Cash expected {0}, counted {1}, variance {2}.</source>
            <translation>已交班。现金应有 {0}，实点 {1}，差额 {2}。</translation>
        </message>
        <message>
            <source>Shift report saved to {0}; it opens for printing.</source>
            <translation>交班报表已保存到 {0}，已打开，可直接打印。</translation>
        </message>
        <message>
            <source>Printer settings saved</source>
            <translation>打印机设置已保存</translation>
        </message>
        <message>
            <source>Options of {0} saved</source>
            <translation>{0} 的小区选项已保存</translation>
        </message>
        <message>
            <source>Handheld (meter readings)…</source>
            <translation>抄表机（上传下载读数）…</translation>
        </message>
        <message>
            <source>Return deposit…</source>
            <translation>退押金…</translation>
        </message>
    </context>
    <context>
        <name>Messages</name>
        <message>
            <source>Not an amount: type yuan like 1000 or 12.50 (at most 2 decimals)</source>
            <translation>金额不对：请输入元，如 1000 或 12.50（最多两位小数）</translation>
        </message>
    </context>
    <context>
        <name>ModePage</name>
        <message>
            <source>Standalone or central</source>
            <translation>单机使用或接入总部</translation>
        </message>
        <message>
            <source>A single service center works standalone. A company with a central server joins it: rooms, fee items and users come from central.</source>
            <translation>只有一个服务中心时选单机使用。公司有总部服务器时接入总部：房间、收费项目和用户都从总部同步。</translation>
        </message>
        <message>
            <source>Standalone (this PC keeps its own data)</source>
            <translation>单机使用（数据保存在本机）</translation>
        </message>
        <message>
            <source>Join central (URL and token from your head office)</source>
            <translation>接入总部（地址和令牌由总部提供）</translation>
        </message>
        <message>
            <source>Central URL</source>
            <translation>总部地址</translation>
        </message>
        <message>
            <source>Token</source>
            <translation>令牌</translation>
        </message>
        <message>
            <source>Join and pull</source>
            <translation>接入并同步</translation>
        </message>
        <message>
            <source>Connecting to {0}…</source>
            <translation>正在连接 {0}…</translation>
        </message>
        <message>
            <source>Pulling {0}: {1}, {2} rows</source>
            <translation>正在同步 {0}：{1}，已 {2} 行</translation>
        </message>
        <message>
            <source>Joined {0}: {1}; {2} rows pulled.</source>
            <translation>已接入 {0}：{1}；同步 {2} 行。</translation>
        </message>
    </context>
    <context>
        <name>OneOffDialog</name>
        <message>
            <source>One-off charge</source>
            <translation>临时收费</translation>
        </message>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>Fee item</source>
            <translation>收费项目</translation>
        </message>
        <message>
            <source>Amount to charge</source>
            <translation>收费金额</translation>
        </message>
        <message>
            <source>what it is for, e.g. 装修垃圾清运 3车</source>
            <translation>收费事由，如：装修垃圾清运 3车</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>This community has no one-off fee items</source>
            <translation>本小区没有临时收费项目</translation>
        </message>
        <message>
            <source>The amount must be greater than 0</source>
            <translation>金额必须大于 0</translation>
        </message>
        <message>
            <source>Write a note: what the charge is for</source>
            <translation>请填写备注：收费事由</translation>
        </message>
    </context>
    <context>
        <name>Ops</name>
        <message>
            <source>Cannot do that</source>
            <translation>无法完成操作</translation>
        </message>
    </context>
    <context>
        <name>PortPicker</name>
        <message>
            <source>COM3 or /dev/ttyUSB0</source>
            <translation>COM3 或 /dev/ttyUSB0</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <source>List the serial ports again (after plugging in an adapter)</source>
            <translation>重新列出串口（插上转换器之后）</translation>
        </message>
    </context>
    <context>
        <name>PortsPage</name>
        <message>
            <source>Handheld dock</source>
            <translation>抄表机座</translation>
        </message>
        <message>
            <source>Serial ports</source>
            <translation>串口设备</translation>
        </message>
        <message>
            <source>Where the pole display and the other serial devices are plugged in. Leave empty when there is none.</source>
            <translation>客显和其他串口设备接在哪个串口。没有的留空。</translation>
        </message>
        <message>
            <source>Ports found on this PC are listed; you can also type one (COM3, /dev/ttyUSB0).</source>
            <translation>下拉列表是本机找到的串口；也可以直接输入（COM3、/dev/ttyUSB0）。</translation>
        </message>
    </context>
    <context>
        <name>PrepayDialog</name>
        <message>
            <source>Prepaid top-up</source>
            <translation>预存充值</translation>
        </message>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
    </context>
    <context>
        <name>PrinterDialog</name>
        <message>
            <source>Printer settings</source>
            <translation>打印机设置</translation>
        </message>
        <message>
            <source>COM3 · /dev/ttyUSB0 · 192.168.1.50:9100 · /tmp/receipts.bin</source>
            <translation>COM3 · /dev/ttyUSB0 · 192.168.1.50:9100 · /tmp/receipts.bin</translation>
        </message>
        <message>
            <source>{0} mm</source>
            <translation>{0} 毫米</translation>
        </message>
        <message>
            <source>Open the cash drawer after a cash payment</source>
            <translation>现金收款后打开钱箱</translation>
        </message>
        <message>
            <source>Customer pole display</source>
            <translation>客显</translation>
        </message>
        <message>
            <source>Display port: COM4 · /dev/ttyUSB1</source>
            <translation>客显串口：COM4 · /dev/ttyUSB1</translation>
        </message>
        <message>
            <source>Connection</source>
            <translation>连接方式</translation>
        </message>
        <message>
            <source>Port / address</source>
            <translation>端口 / 地址</translation>
        </message>
        <message>
            <source>Paper width</source>
            <translation>纸宽</translation>
        </message>
        <message>
            <source>Printer profile</source>
            <translation>打印机型号</translation>
        </message>
        <message>
            <source>Print a test page</source>
            <translation>打印测试页</translation>
        </message>
        <message>
            <source>Only a manager can change the printer settings. You can print a test page.</source>
            <translation>只有主管可以修改打印机设置；您可以打印测试页。</translation>
        </message>
    </context>
    <context>
        <name>PrinterPage</name>
        <message>
            <source>Printing a test page…</source>
            <translation>正在打印测试页…</translation>
        </message>
        <message>
            <source>Receipt printer</source>
            <translation>收据打印机</translation>
        </message>
        <message>
            <source>How the receipt printer is connected. Print a test page to check it; "none" if there is no printer yet.</source>
            <translation>收据打印机的连接方式。可打印测试页检查；暂时没有打印机就选“无打印机”。</translation>
        </message>
    </context>
    <context>
        <name>ReadingsReviewView</name>
        <message>
            <source>Period</source>
            <translation>账期</translation>
        </message>
        <message>
            <source>Meter</source>
            <translation>表号</translation>
        </message>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>Reading</source>
            <translation>本次读数</translation>
        </message>
        <message>
            <source>Previous</source>
            <translation>上次读数</translation>
        </message>
        <message>
            <source>Usage</source>
            <translation>用量</translation>
        </message>
        <message>
            <source>Why flagged</source>
            <translation>待审核原因</translation>
        </message>
        <message>
            <source>No flagged readings: every reading can be billed.</source>
            <translation>没有待审核的读数：所有读数都可以出账。</translation>
        </message>
        <message>
            <source>Reason (required), e.g. owner confirmed a burst pipe</source>
            <translation>审核理由（必填），例如：业主确认水管爆裂</translation>
        </message>
        <message>
            <source>Accept (bill it)</source>
            <translation>确认（出账）</translation>
        </message>
        <message>
            <source>Reject (read again)</source>
            <translation>驳回（重新抄表）</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <source>Usage, last 12 months</source>
            <translation>近 12 个月用量</translation>
        </message>
        <message>
            <source>Readings review</source>
            <translation>抄表审核</translation>
        </message>
        <message>
            <source>{0} · room {1} · {2}</source>
            <translation>{0} · 房号 {1} · {2}</translation>
        </message>
        <message>
            <source>Write the reason for the decision first.</source>
            <translation>请先填写审核理由。</translation>
        </message>
    </context>
    <context>
        <name>ReceiptsModel</name>
        <message>
            <source>Receipt no.</source>
            <translation>收据号</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>Payer</source>
            <translation>付款人</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Tenders</source>
            <translation>支付方式</translation>
        </message>
        <message>
            <source>Cashier</source>
            <translation>收银员</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Void: {0}</source>
            <translation>作废：{0}</translation>
        </message>
    </context>
    <context>
        <name>ReceiptsView</name>
        <message>
            <source>reverse the card payment of {0} on the POS terminal</source>
            <translation>请在 POS 机上撤销这笔 {0} 元的刷卡交易</translation>
        </message>
        <message>
            <source>refund the {0} payment of {1} in the merchant app</source>
            <translation>请在商户后台（{0}）退回这笔 {1} 元</translation>
        </message>
        <message>
            <source>Voiding does not return this money by itself: {0}.</source>
            <translation>作废不会自动退款：{0}。</translation>
        </message>
        <message>
            <source>Receipt no. (or its start)</source>
            <translation>收据号（或开头部分）</translation>
        </message>
        <message>
            <source>Room key, e.g. 3-2-1502 or 3-2</source>
            <translation>房号，如 3-2-1502 或 3-2</translation>
        </message>
        <message>
            <source>Search (Enter)</source>
            <translation>查询 (Enter)</translation>
        </message>
        <message>
            <source>From</source>
            <translation>从</translation>
        </message>
        <message>
            <source>to</source>
            <translation>至</translation>
        </message>
        <message>
            <source>Reprint (Ctrl+P)</source>
            <translation>重打 (Ctrl+P)</translation>
        </message>
        <message>
            <source>Void… (Ctrl+Del)</source>
            <translation>作废… (Ctrl+Del)</translation>
        </message>
        <message>
            <source>Verify receipt QR… (Ctrl+Q)</source>
            <translation>验证收据二维码… (Ctrl+Q)</translation>
        </message>
        <message>
            <source>Receipt QR verification is not available in this build</source>
            <translation>此版本暂不支持收据二维码验证</translation>
        </message>
        <message>
            <source>{0} receipts</source>
            <translation>共 {0} 张收据</translation>
        </message>
        <message>
            <source>No receipts found</source>
            <translation>没有找到收据</translation>
        </message>
        <message>
            <source>change {0}</source>
            <translation>找零 {0}</translation>
        </message>
        <message>
            <source>VOID: {0}</source>
            <translation>已作废：{0}</translation>
        </message>
        <message>
            <source>{0} is void: it cannot be reprinted.</source>
            <translation>{0} 已作废，不能补打。</translation>
        </message>
        <message>
            <source>{0} is already void</source>
            <translation>{0} 已作废</translation>
        </message>
        <message>
            <source>Voided {0}</source>
            <translation>已作废 {0}</translation>
        </message>
        <message>
            <source>Verify a receipt</source>
            <translation>验证收据</translation>
        </message>
        <message>
            <source>Scan the receipt's QR code</source>
            <translation>扫描收据上的二维码</translation>
        </message>
        <message>
            <source>NOT GENUINE: {0}</source>
            <translation>不是真实收据：{0}</translation>
        </message>
        <message>
            <source>Signature valid, but receipt {0} is not in this database</source>
            <translation>签名有效，但本机数据库中没有收据 {0}</translation>
        </message>
        <message>
            <source>Signature valid, but the amount differs from our record {0}</source>
            <translation>签名有效，但金额与记录 {0} 不符</translation>
        </message>
        <message>
            <source>Genuine: {0}, ¥{1}, {2}</source>
            <translation>真实收据：{0}，¥{1}，{2}</translation>
        </message>
        <message>
            <source>VOID</source>
            <translation>已作废</translation>
        </message>
        <message>
            <source>issued</source>
            <translation>有效</translation>
        </message>
        <message>
            <source>Refund… (F6)</source>
            <translation>退款…（F6）</translation>
        </message>
        <message>
            <source>{0} is void: there is nothing to refund.</source>
            <translation>{0} 已作废，没有可退款项。</translation>
        </message>
        <message>
            <source>Refunded {0}: slip {1}</source>
            <translation>已退款 {0}：退款单 {1}</translation>
        </message>
        <message>
            <source>Audit trail… (Ctrl+T)</source>
            <translation>操作记录… (Ctrl+T)</translation>
        </message>
        <message>
            <source>Void receipt {0}</source>
            <translation>作废票据 {0}</translation>
        </message>
    </context>
    <context>
        <name>RefundDialog</name>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Receipt</source>
            <translation>收据</translation>
        </message>
        <message>
            <source>Refundable</source>
            <translation>可退金额</translation>
        </message>
        <message>
            <source>By lines (they reopen)</source>
            <translation>按账单退（账单恢复为未缴）</translation>
        </message>
        <message>
            <source>By amount</source>
            <translation>按金额退</translation>
        </message>
        <message>
            <source>The way it was paid ({0})</source>
            <translation>原路退回（{0}）</translation>
        </message>
        <message>
            <source>Cash from the drawer</source>
            <translation>现金退款（钱箱付出）</translation>
        </message>
        <message>
            <source>To the room's prepaid balance</source>
            <translation>转入房间预存</translation>
        </message>
        <message>
            <source>Give back by</source>
            <translation>退款方式</translation>
        </message>
        <message>
            <source>12-digit reference on the POS refund slip</source>
            <translation>POS 退货签购单上的12位参考号</translation>
        </message>
        <message>
            <source>POS refund slip</source>
            <translation>POS 退货单</translation>
        </message>
        <message>
            <source>Reason (required)</source>
            <translation>原因（必填）</translation>
        </message>
        <message>
            <source>A refund needs a reason</source>
            <translation>请填写退款原因</translation>
        </message>
        <message>
            <source>Tick the lines to refund</source>
            <translation>请勾选要退款的账单</translation>
        </message>
        <message>
            <source>The amount must be more than 0 and at most {0}</source>
            <translation>退款金额须大于 0 且不超过 {0}</translation>
        </message>
    </context>
    <context>
        <name>RefundFlow</name>
        <message>
            <source>Refund {0} of receipt {1}</source>
            <translation>退款 {0}（收据 {1}）</translation>
        </message>
        <message>
            <source>the ticked lines</source>
            <translation>所勾选的账单</translation>
        </message>
        <message>
            <source>This room holds no deposit to return.</source>
            <translation>该房间没有可退的押金。</translation>
        </message>
        <message>
            <source>Return a deposit</source>
            <translation>退押金</translation>
        </message>
        <message>
            <source>Refund done: {0}, {1}</source>
            <translation>退款完成：{0}，{1}</translation>
        </message>
    </context>
    <context>
        <name>RefusedModel</name>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>序号</translation>
        </message>
        <message>
            <source>Receipt</source>
            <translation>票据</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Why central refused it</source>
            <translation>总部拒收原因</translation>
        </message>
    </context>
    <context>
        <name>ReportChart</name>
        <message>
            <source>Charts need the PySide6-Addons package; the table and the Excel/PDF exports have them.</source>
            <translation>图表需要安装 PySide6-Addons 组件；表格和导出的 Excel/PDF 中都有图表。</translation>
        </message>
    </context>
    <context>
        <name>ReportsView</name>
        <message>
            <source>All communities</source>
            <translation>全部小区</translation>
        </message>
        <message>
            <source>Show (F5)</source>
            <translation>查询 (F5)</translation>
        </message>
        <message>
            <source>Export Excel…</source>
            <translation>导出 Excel…</translation>
        </message>
        <message>
            <source>Export PDF…</source>
            <translation>导出 PDF…</translation>
        </message>
        <message>
            <source>Report</source>
            <translation>报表</translation>
        </message>
        <message>
            <source>From</source>
            <translation>从</translation>
        </message>
        <message>
            <source>to</source>
            <translation>至</translation>
        </message>
        <message>
            <source>Community</source>
            <translation>小区</translation>
        </message>
        <message>
            <source>Section</source>
            <translation>分表</translation>
        </message>
        <message>
            <source>Reports</source>
            <translation>报表</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>正在统计…</translation>
        </message>
        <message>
            <source>{0}: {1} to {2}</source>
            <translation>{0}：{1} 至 {2}</translation>
        </message>
        <message>
            <source>Excel workbook (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
        <message>
            <source>PDF document (*.pdf)</source>
            <translation>PDF 文档 (*.pdf)</translation>
        </message>
        <message>
            <source>Export report</source>
            <translation>导出报表</translation>
        </message>
        <message>
            <source>Exporting…</source>
            <translation>正在导出…</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>已保存 {0}</translation>
        </message>
    </context>
    <context>
        <name>ScanDialog</name>
        <message>
            <source>Scan or type the code</source>
            <translation>请扫描或输入代码</translation>
        </message>
    </context>
    <context>
        <name>SearchBox</name>
        <message>
            <source>Room 3-2-1502 · owner name · phone or last 4 · pinyin initials · scan a bill or receipt QR</source>
            <translation>房号 3-2-1502 · 业主姓名 · 手机号或尾号 · 拼音首字母 · 扫描缴费通知单或收据二维码</translation>
        </message>
    </context>
    <context>
        <name>SessionGuard</name>
        <message>
            <source>PropDesk — switch user</source>
            <translation>PropDesk — 切换用户</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>已登录：{0}</translation>
        </message>
        <message>
            <source>Password changed</source>
            <translation>密码已修改</translation>
        </message>
        <message>
            <source>&amp;User</source>
            <translation>用户(&amp;U)</translation>
        </message>
        <message>
            <source>Change password…</source>
            <translation>修改密码…</translation>
        </message>
        <message>
            <source>Switch user…</source>
            <translation>切换用户…</translation>
        </message>
        <message>
            <source>Lock</source>
            <translation>锁屏</translation>
        </message>
    </context>
    <context>
        <name>ShiftCloseDialog</name>
        <message>
            <source>{0} yuan</source>
            <translation>{0} 元</translation>
        </message>
        <message>
            <source>{0} jiao</source>
            <translation>{0} 角</translation>
        </message>
        <message>
            <source>{0} fen</source>
            <translation>{0} 分</translation>
        </message>
        <message>
            <source>Close shift — count the drawer</source>
            <translation>交班 — 清点钱箱</translation>
        </message>
        <message>
            <source>Cash in the drawer</source>
            <translation>钱箱现金</translation>
        </message>
        <message>
            <source>Denomination</source>
            <translation>面额</translation>
        </message>
        <message>
            <source>Count</source>
            <translation>张数</translation>
        </message>
        <message>
            <source>Subtotal</source>
            <translation>小计</translation>
        </message>
        <message>
            <source>Expected vs counted</source>
            <translation>应有与实点</translation>
        </message>
        <message>
            <source>Tender</source>
            <translation>支付方式</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>应有</translation>
        </message>
        <message>
            <source>Cash counted</source>
            <translation>现金实点</translation>
        </message>
        <message>
            <source>Cash variance</source>
            <translation>现金差额</translation>
        </message>
        <message>
            <source>Count the drawer again, or confirm the difference to close the shift.</source>
            <translation>请重新清点钱箱，或确认差额后再交班。</translation>
        </message>
        <message>
            <source>The cash counted is {0} more than expected.</source>
            <translation>实点现金比应有的多 {0}。</translation>
        </message>
        <message>
            <source>The cash counted is {0} less than expected.</source>
            <translation>实点现金比应有的少 {0}。</translation>
        </message>
        <message>
            <source>Close with a difference?</source>
            <translation>有差额，仍要交班？</translation>
        </message>
        <message>
            <source>Close the shift with this difference? It is recorded and shows on the shift report.</source>
            <translation>按这个差额交班吗？差额会记录下来，并印在交班报表上。</translation>
        </message>
    </context>
    <context>
        <name>ShiftOpenDialog</name>
        <message>
            <source>Open shift</source>
            <translation>开班</translation>
        </message>
        <message>
            <source>Float in the drawer (yuan)</source>
            <translation>钱箱备用金（元）</translation>
        </message>
    </context>
    <context>
        <name>TenderForm</name>
        <message>
            <source>Reference no.</source>
            <translation>参考号</translation>
        </message>
        <message>
            <source>card: 12-digit reference; WeChat/Alipay: transaction no.</source>
            <translation>银行卡：12 位参考号；微信/支付宝：交易单号</translation>
        </message>
        <message>
            <source>Batch no.</source>
            <translation>批次号</translation>
        </message>
        <message>
            <source>Voucher no.</source>
            <translation>凭证号</translation>
        </message>
        <message>
            <source>Paid with</source>
            <translation>支付方式</translation>
        </message>
        <message>
            <source>Amount received</source>
            <translation>实收金额</translation>
        </message>
    </context>
    <context>
        <name>TenderPanel</name>
        <message>
            <source>Change</source>
            <translation>找零</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>应收</translation>
        </message>
        <message>
            <source>Received</source>
            <translation>实收</translation>
        </message>
        <message>
            <source>optional, 6 digits</source>
            <translation>可选，6 位数字</translation>
        </message>
        <message>
            <source>Batch no.</source>
            <translation>批次号</translation>
        </message>
        <message>
            <source>Voucher no.</source>
            <translation>凭证号</translation>
        </message>
        <message>
            <source>Split tender: Del removes the selected tender</source>
            <translation>组合支付：Del 删除选中的支付</translation>
        </message>
        <message>
            <source>+ Split (Ctrl+Enter)</source>
            <translation>+ 组合支付 (Ctrl+Enter)</translation>
        </message>
        <message>
            <source>Pay (Enter)</source>
            <translation>收款 (Enter)</translation>
        </message>
        <message>
            <source>Scan</source>
            <translation>扫码</translation>
        </message>
        <message>
            <source>Type the amount to charge to the payment code</source>
            <translation>请输入扫码收款金额</translation>
        </message>
        <message>
            <source>Reference no. (12 digits)</source>
            <translation>参考号（12 位）</translation>
        </message>
        <message>
            <source>Transaction no. (28 digits)</source>
            <translation>交易单号（28 位）</translation>
        </message>
        <message>
            <source>Cash received</source>
            <translation>收现金</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Payment code · {0}</source>
            <translation>付款码 · {0}</translation>
        </message>
        <message>
            <source>Still due</source>
            <translation>还差</translation>
        </message>
        <message>
            <source>A payment code is charged last: add the other tenders first, then scan the code and press Enter.</source>
            <translation>付款码须最后收取：请先加入其他付款方式，再扫付款码并按回车。</translation>
        </message>
        <message>
            <source>Type the amount received first</source>
            <translation>请先输入实收金额</translation>
        </message>
        <message>
            <source>No amount typed: take exactly {0} in cash, no change? Press Enter again to confirm, or type the cash handed over.</source>
            <translation>未输入实收金额：按应收 {0} 收现金、不找零？再按一次 Enter 确认，或输入住户交来的现金。</translation>
        </message>
    </context>
    <context>
        <name>TerminalPage</name>
        <message>
            <source>Terminal code</source>
            <translation>收银台编号</translation>
        </message>
        <message>
            <source>Each counter has its own code; it starts every receipt number.</source>
            <translation>每个收银台有自己的编号，收据号以它开头。</translation>
        </message>
        <message>
            <source>Letters and digits, at most 8 (e.g. T1, A2). When joining central, use the code the token was made for.</source>
            <translation>字母和数字，最多 8 位（如 T1、A2）。接入总部时，请用令牌对应的编号。</translation>
        </message>
    </context>
    <context>
        <name>Texts</name>
        <message>
            <source>Cash</source>
            <translation>现金</translation>
        </message>
        <message>
            <source>Bank card</source>
            <translation>银行卡</translation>
        </message>
        <message>
            <source>Transfer</source>
            <translation>转账</translation>
        </message>
        <message>
            <source>Prepaid</source>
            <translation>预存</translation>
        </message>
        <message>
            <source>WeChat Pay</source>
            <translation>微信</translation>
        </message>
        <message>
            <source>Alipay</source>
            <translation>支付宝</translation>
        </message>
        <message>
            <source>Bills</source>
            <translation>缴费</translation>
        </message>
        <message>
            <source>Prepaid top-up</source>
            <translation>预存充值</translation>
        </message>
        <message>
            <source>Deposit</source>
            <translation>押金</translation>
        </message>
        <message>
            <source>One-off charge</source>
            <translation>临时收费</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Issued</source>
            <translation>有效</translation>
        </message>
        <message>
            <source>Void</source>
            <translation>作废</translation>
        </message>
        <message>
            <source>Unpaid</source>
            <translation>未缴</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>已付</translation>
        </message>
        <message>
            <source>Credited</source>
            <translation>已转预存</translation>
        </message>
        <message>
            <source>Residential</source>
            <translation>住宅</translation>
        </message>
        <message>
            <source>Shop</source>
            <translation>商铺</translation>
        </message>
        <message>
            <source>Office</source>
            <translation>办公</translation>
        </message>
        <message>
            <source>Parking</source>
            <translation>车位</translation>
        </message>
        <message>
            <source>scanned QR</source>
            <translation>扫码</translation>
        </message>
        <message>
            <source>room</source>
            <translation>房号</translation>
        </message>
        <message>
            <source>phone</source>
            <translation>手机</translation>
        </message>
        <message>
            <source>phone last 4</source>
            <translation>尾号</translation>
        </message>
        <message>
            <source>room number</source>
            <translation>门牌</translation>
        </message>
        <message>
            <source>name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>initials</source>
            <translation>拼音</translation>
        </message>
        <message>
            <source>No printer</source>
            <translation>无打印机</translation>
        </message>
        <message>
            <source>Serial port</source>
            <translation>串口</translation>
        </message>
        <message>
            <source>Network</source>
            <translation>网络</translation>
        </message>
        <message>
            <source>File (demo)</source>
            <translation>文件（演示）</translation>
        </message>
        <message>
            <source>Windows printer</source>
            <translation>Windows 打印机</translation>
        </message>
        <message>
            <source>Standard</source>
            <translation>标准</translation>
        </message>
    </context>
    <context>
        <name>VoidDialog</name>
        <message>
            <source>Void receipt</source>
            <translation>作废收据</translation>
        </message>
        <message>
            <source>Receipt</source>
            <translation>收据</translation>
        </message>
        <message>
            <source>Reason (required)</source>
            <translation>作废原因（必填）</translation>
        </message>
        <message>
            <source>A void needs a reason</source>
            <translation>作废必须填写原因</translation>
        </message>
    </context>
</TS>
