"""The console's two languages: English source strings and their Chinese, chosen by a cookie (gettext-style ``_``)."""

from __future__ import annotations

from fastapi import Request

LANGUAGE_COOKIE = "console_lang"
LANGUAGES = {"en": "English", "zh_CN": "中文"}
DEFAULT_LANGUAGE = "en"

ZH_CN = {
    "Administration console": "管理控制台",
    "Terminals": "终端",
    "Configuration": "配置",
    "Catalogue": "办事指南目录",
    "Audit log": "审计日志",
    "Sign in": "登录",
    "Sign out": "退出",
    "Username": "用户名",
    "Password": "密码",
    "Bad username or password.": "用户名或密码错误。",
    "Too many failed sign-ins: this account is locked for a while.": "登录失败次数过多，账户已暂时锁定。",
    "Online": "在线",
    "Offline": "离线",
    "Revoked": "已吊销",
    "Not enrolled": "未注册",
    "Name": "名称",
    "Location": "位置",
    "Group": "分组",
    "Status": "状态",
    "Version": "版本",
    "Last sync": "上次同步",
    "Outbox": "待发送",
    "Peripherals": "外设",
    "Config applied / current": "配置（已应用 / 最新）",
    "Screen": "当前界面",
    "Enrol a terminal": "注册新终端",
    "Enrol": "注册",
    "Pending pairings": "待配对",
    "Code": "配对码",
    "Requested": "请求时间",
    "Approve": "批准",
    "No pending pairings.": "没有待配对的请求。",
    "No terminals yet.": "还没有终端。",
    "One-time enrolment code": "一次性注册码",
    "Type this code on the kiosk, or scan the QR code. It expires at": "在终端上输入此码或扫描二维码。过期时间：",
    "Back to the terminal": "返回终端",
    "Remote commands": "远程命令",
    "Send": "发送",
    "Message (Chinese)": "消息（中文）",
    "Message (English)": "消息（英文）",
    "Seconds": "秒数",
    "Command history": "命令历史",
    "Kind": "类型",
    "Created": "创建时间",
    "Result": "结果",
    "Heartbeats (latest 50)": "心跳（最近 50 条）",
    "Received": "接收时间",
    "Outages": "离线记录",
    "Went down": "离线时间",
    "Came back": "恢复时间",
    "still down": "仍离线",
    "Latest screenshot": "最新截图",
    "No screenshot yet.": "还没有截图。",
    "Revoke": "吊销",
    "Revoke this terminal": "吊销此终端",
    "The terminal's credential stops working at once. This cannot be undone.": "终端凭据将立即失效，且无法撤销。",
    "Yes, revoke": "确认吊销",
    "Cancel": "取消",
    "New enrolment code": "新注册码",
    "Settings": "设置",
    "Defaults": "默认",
    "Defaults (all terminals)": "默认（所有终端）",
    "Set here": "在此层设置",
    "Effective value": "生效值",
    "from": "来自",
    "Preview changes": "预览更改",
    "Changes to save": "待保存的更改",
    "Key": "键",
    "Old": "原值",
    "New": "新值",
    "Save": "保存",
    "No changes.": "没有更改。",
    "Version history": "版本历史",
    "Author": "作者",
    "Comment": "备注",
    "Roll back": "回滚",
    "Saved as version": "已保存为版本",
    "The settings were refused:": "设置被拒绝：",
    "Time": "时间",
    "Actor": "操作人",
    "Action": "操作",
    "Target": "对象",
    "Detail": "详情",
    "Search": "搜索",
    "Department": "部门",
    "Edit": "编辑",
    "Delete": "删除",
    "New service": "新建服务",
    "Service (JSON)": "服务（JSON）",
    "Save and publish": "保存并发布",
    "Import": "导入",
    "Export JSON": "导出 JSON",
    "Export CSV": "导出 CSV",
    "File": "文件",
    "Format": "格式",
    "Published catalogue version": "已发布目录版本",
    "The catalogue was refused:": "目录被拒绝：",
    "Row": "行",
    "Column": "列",
    "Problem": "问题",
    "Delete this service": "删除此服务",
    "Yes, delete": "确认删除",
    "Not allowed": "无权访问",
    "This needs the admin role.": "此操作需要管理员角色。",
    "The form expired or did not come from this console; reload the page and try again.":
        "表单已过期或并非来自本控制台，请刷新页面后重试。",
    "Not found": "未找到",
    "Current catalogue": "当前目录",
    "services": "项服务",
    "In service": "服务中",
    "Out of service": "暂停服务",
    "Config error": "配置错误",
    "Signed in as": "当前用户",
    "Free disk": "剩余磁盘",
    "App version": "软件版本",
    "Refreshes every 10 s": "每 10 秒刷新",
    "Layer": "配置层",
}

_CATALOGUES = {"en": {}, "zh_CN": ZH_CN}


def language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def translator(lang: str):
    catalogue = _CATALOGUES[lang]

    def gettext(message: str) -> str:
        return catalogue.get(message, message)

    return gettext
