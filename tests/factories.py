"""Small, valid catalogue data for tests: dicts (to break on purpose) and typed objects."""

from __future__ import annotations

import copy

from common.catalogue import Catalogue, Service, parse_catalogue


def text(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def service_data(code="RS-001", zh="社会保障卡申领", en="Application for a social security card", *,
                 department="hrss", popularity=100, keywords=("社保卡",), life_events=(), promised_days=5,
                 audience=("individual",)) -> dict:
    return {
        "code": code,
        "name": text(zh, en),
        "department": department,
        "category": text("社会保障", "Social security"),
        "audience": list(audience),
        "life_events": list(life_events),
        "conditions": text("本市参保人员。", "Insured persons in the city."),
        "materials": [
            {"name": text("居民身份证", "Resident identity card"), "originals": 1, "copies": 1},
            {"name": text("近期一寸免冠照片", "Recent passport-size photo"), "originals": 1, "copies": 0,
             "required": False, "note": text("可现场拍照", "Can be taken on site")},
        ],
        "steps": [
            {"title": text("提交申请", "Apply"), "detail": text("到窗口提交材料。", "Hand in the materials at the window.")},
            {"title": text("领取", "Collect"), "detail": text("按通知领取。", "Collect when notified.")},
        ],
        "legal_time_limit_days": 20,
        "promised_time_limit_days": promised_days,
        "fee": {"amount_yuan": 0, "description": text("不收费", "Free of charge")},
        "office": {
            "window": text("3号窗口", "Window 3"),
            "floor": "11",
            "room": "T3-1107",
            "address": text("创新路1号T3座11层", "11F, Tower T3, 1 Chuangxin Road"),
        },
        "hours": text("工作日 9:00-17:00", "Weekdays 9:00-17:00"),
        "phone": "0451-88886666",
        "complaint_phone": "12345",
        "online_url": f"https://zwfw.example.org/item/{code}",
        "visits_required": 1,
        "keywords": list(keywords),
        "popularity": popularity,
    }


DEPARTMENTS = [
    {"id": "hrss", "name": text("人力资源和社会保障局", "Human Resources and Social Security Bureau")},
    {"id": "market", "name": text("市场监督管理局", "Market Regulation Administration")},
]
LIFE_EVENTS = [{"id": "start_company", "name": text("开办企业", "Starting a company"), "audience": "company"}]


def catalogue_data(*services: dict, version="test-1") -> dict:
    services = services or (service_data(),)
    return {
        "version": version,
        "departments": copy.deepcopy(DEPARTMENTS),
        "life_events": copy.deepcopy(LIFE_EVENTS),
        "services": [copy.deepcopy(s) for s in services],
    }


def make_catalogue(*services: dict, version="test-1") -> Catalogue:
    return parse_catalogue(catalogue_data(*services, version=version), "test catalogue")


def make_service(**kwargs) -> Service:
    return Service.model_validate(service_data(**kwargs))
