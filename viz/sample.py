# ruff: noqa: E501
"""A small sample seed set (two chains, gaps, a hostile name) for tests and offline demos.

``write_sample_seeds(dir)`` writes YAML the loader accepts; quotes come from the source
documents. The enterprise named ``<script>alert(1)</script>`` checks that no picture or page
ever turns data into markup.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_YAML = """\
districts:
  - id: jinan
    name: 济南市
    aliases: [济南]
    name_en: Jinan
    level: city
    sources: [{doc: jinan-2026-plan, quote: 济南市}]
  - id: gaoxin
    name: 济南高新区
    aliases: [高新区]
    name_en: Jinan High-tech Zone
    level: zone
    parent: jinan
    sources: [{doc: jinan-2026-plan, quote: 济南高新区集成电路产业集群}]
chains:
  - id: automobile
    name: 汽车
    name_en: Automobile
    tier: flagship
    sources:
      - {doc: jinan-2026-plan, quote: 形成从芯片、动力电池等零部件生产，到乘用车、商用车整车生产的新能源汽车全产业链}
    segments:
      - id: automobile-chips
        name: 汽车芯片
        name_en: Automotive chips
        stage: upstream
        feeds: [automobile-batteries]
        sources: [{doc: jinan-2026-plan, quote: 形成从芯片、动力电池等零部件生产}]
      - id: automobile-batteries
        name: 动力电池
        name_en: Power batteries
        stage: midstream
        feeds: [automobile-vehicles]
        sources: [{doc: jinan-2026-plan, quote: 形成从芯片、动力电池等零部件生产}]
      - id: automobile-vehicles
        name: 整车
        name_en: Vehicles
        stage: downstream
        sources: [{doc: jinan-2026-plan, quote: 乘用车、商用车整车生产}]
  - id: integrated-circuits
    name: 集成电路
    name_en: Integrated circuits
    tier: flagship
    sources:
      - {doc: jinan-2026-plan, quote: 初步形成了集设计、制造、封测、应用、支撑于一体的全产业链发展生态}
    segments:
      - id: ic-materials
        name: 衬底材料
        name_en: Substrates
        stage: upstream
        feeds: [ic-design]
        sources: [{doc: jinan-2026-plan, quote: 天岳先进的导电型碳化硅衬底全球市场占有率跃居世界第一}]
      - id: ic-design
        name: 芯片设计
        name_en: Design
        stage: upstream
        feeds: [ic-fab]
        sources: [{doc: jinan-2026-plan, quote: 集设计、制造、封测、应用、支撑于一体}]
      - id: ic-fab
        name: 晶圆制造
        name_en: Fabrication
        stage: midstream
        feeds: [ic-packaging]
        basis: reference
        reference: 示例：集成电路产业链通用环节划分 (sample reference segment)
      - id: ic-packaging
        name: 封装测试
        name_en: Packaging and test
        stage: midstream
        feeds: [ic-applications]
        sources: [{doc: jinan-2026-plan, quote: 集设计、制造、封测、应用、支撑于一体}]
      - id: ic-applications
        name: 应用
        name_en: Applications
        stage: downstream
        sources: [{doc: jinan-2026-plan, quote: 集设计、制造、封测、应用、支撑于一体}]
      - id: ic-support
        name: 支撑服务
        name_en: Support
        stage: support
        sources: [{doc: jinan-2026-plan, quote: 集设计、制造、封测、应用、支撑于一体}]
presence:
  - segment: ic-design
    says: present
    sources: [{doc: jinan-2026-plan, quote: 初步形成了集设计、制造、封测、应用、支撑于一体的全产业链发展生态}]
enterprises:
  - id: sinotruk
    name: 中国重汽
    aliases: [重汽]
    name_en: Sinotruk
    chains: [{id: automobile-vehicles, role: leader}]
    district: jinan
    sources: [{doc: jinan-2026-plan, quote: 重汽、比亚迪、吉利等龙头企业产量持续爬坡}]
  - id: byd
    name: 比亚迪
    name_en: BYD
    chains: [automobile-vehicles, automobile-batteries]
    partners: [sinotruk]
    sources: [{doc: jinan-2026-plan, quote: 重汽、比亚迪、吉利等龙头企业产量持续爬坡}]
  - id: geely
    name: 吉利
    name_en: Geely
    chains: [automobile-vehicles]
    sources: [{doc: jinan-2026-plan, quote: 重汽、比亚迪、吉利等龙头企业产量持续爬坡}]
  - id: sicc
    name: 天岳先进
    aliases: [山东天岳先进科技股份有限公司]
    name_en: SICC
    chains: [{id: ic-materials, role: leader}]
    district: gaoxin
    sources: [{doc: jinan-2026-plan, quote: 天岳先进的导电型碳化硅衬底全球市场占有率跃居世界第一}]
  - id: xss-test
    name: <script>alert(1)</script>
    name_en: "</script><img src=x onerror=alert(2)>"
    chains: [ic-materials]
    district: gaoxin
    sources: [{doc: jinan-2026-plan, quote: 天岳先进}]
clusters:
  - id: gaoxin-ic-cluster
    name: 济南高新区集成电路产业集群
    name_en: Jinan High-tech Zone IC cluster
    level: provincial
    district: gaoxin
    serves: [integrated-circuits, ic-design]
    sources: [{doc: jinan-2026-plan, quote: 济南高新区集成电路产业集群}]
"""


def write_sample_seeds(directory: Path) -> Path:
    """Write the sample seeds (and the documents they cite) into ``directory``."""
    from chainatlas import PROJECT_ROOT

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sample.yaml").write_text(SAMPLE_YAML, encoding="utf-8")
    docs = PROJECT_ROOT / "seeds" / "documents.yaml"
    (directory / "documents.yaml").write_text(docs.read_text(encoding="utf-8"), encoding="utf-8")
    return directory
