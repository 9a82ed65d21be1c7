"""Deterministic Vietnamese reform-news text for the dedupe bench: stories, copies, look-alikes."""

from __future__ import annotations

import random

PROVINCES = ["Bình Định", "Quảng Trị", "Đồng Tháp", "Yên Bái", "Hà Nam", "Tây Ninh", "Nghệ An", "Gia Lai",
             "Cần Thơ", "Đà Nẵng", "Long An", "Lạng Sơn", "Hưng Yên", "Thanh Hóa", "Quảng Ninh", "Khánh Hòa",
             "Bắc Giang", "Cà Mau", "Sơn La", "Thừa Thiên Huế", "Vĩnh Long", "Bến Tre", "Đắk Lắk", "Hà Tĩnh"]
DISTRICTS = ["huyện Tuy Phước", "thị xã An Nhơn", "huyện Hải Lăng", "huyện Gio Linh", "huyện Tháp Mười",
             "huyện Văn Chấn", "huyện Lý Nhân", "huyện Tân Biên", "huyện Diễn Châu", "huyện Chư Păh",
             "quận Ninh Kiều", "quận Hải Châu", "huyện Đức Hòa", "huyện Cao Lộc", "huyện Kim Động",
             "huyện Quỳnh Lưu", "thị xã Nghĩa Lộ", "huyện Bến Lức", "huyện Hữu Lũng", "huyện Tam Nông"]
AGENCIES = ["Sở Khoa học và Công nghệ", "Sở Nội vụ", "Sở Tư pháp", "Văn phòng UBND tỉnh",
            "Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư", "Trung tâm Phục vụ hành chính công",
            "Sở Tài nguyên và Môi trường", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Sở Tài chính"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Minh", "Hữu", "Quốc", "Đức", "Thanh", "Công", "Ngọc", "Thị", "Thu", "Hồng"]
GIVEN = ["Hùng", "Dũng", "Nam", "Tuấn", "Phúc", "Thắng", "Hải", "Long", "Khánh", "Sơn", "Hương", "Lan",
         "Hà", "Trang", "Nhung", "Thảo", "Mai", "Huyền", "Linh", "Yến", "Cường", "Bình", "Quang", "Việt"]
FIELDS = ["sở hữu trí tuệ", "tiêu chuẩn đo lường chất lượng", "chuyển giao công nghệ", "an toàn bức xạ",
          "đất đai", "đăng ký doanh nghiệp", "hộ tịch", "xây dựng", "giáo dục", "y tế", "tài nguyên nước",
          "đầu tư", "lao động", "thương mại", "giao thông vận tải", "nông nghiệp"]
TOPICS = ["kiểm tra công tác cải cách hành chính", "sơ kết cải cách hành chính 6 tháng", "tổng kết cải cách hành chính",
          "triển khai Đề án 06", "chuyển đổi số", "đo lường sự hài lòng của người dân", "số hóa hồ sơ",
          "dịch vụ công trực tuyến toàn trình", "kỷ luật, kỷ cương hành chính", "văn hóa công vụ",
          "một cửa, một cửa liên thông", "rà soát, đơn giản hóa thủ tục hành chính", "chỉ số PAR INDEX",
          "chỉ số SIPAS", "ứng dụng chữ ký số", "hệ thống quản lý chất lượng ISO 9001:2015"]

# Sentences with slots; {p} province, {d} district, {a} agency, {n*} numbers, {x} person, {f} field,
# {t} topic, {dm} day/month, {y} year.
SLOTTED = [
    "Ngày {dm}, {a} tỉnh {p} tổ chức hội nghị {t} năm {y} với sự tham dự của lãnh đạo các phòng, đơn vị trực thuộc.",
    "Theo báo cáo, trong kỳ {a} đã tiếp nhận {n1} hồ sơ thủ tục hành chính, trong đó {n2} hồ sơ được nộp trực tuyến.",
    "Tỷ lệ hồ sơ giải quyết trước và đúng hạn đạt {pc}%, không có hồ sơ trễ hạn, không có phản ánh, kiến nghị.",
    "Đoàn kiểm tra do ông {x}, Phó Giám đốc {a}, làm trưởng đoàn đã làm việc tại {d}.",
    "{a} đã rà soát, đề nghị đơn giản hóa {n3} thủ tục hành chính thuộc lĩnh vực {f}.",
    "Phát biểu tại hội nghị, bà {x} đề nghị các đơn vị tiếp tục đẩy mạnh {t} trong thời gian tới.",
    "Năm {y}, chỉ số cải cách hành chính của tỉnh {p} đạt {sc} điểm, xếp thứ {rk}/63 tỉnh, thành phố.",
    "UBND {d} đã cung cấp {n3} dịch vụ công trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia.",
    "Kế hoạch số {n1}/KH-UBND ngày {dm}/{y} của UBND tỉnh {p} xác định {n3} nhiệm vụ trọng tâm về {t}.",
    "Dịp này, {a} đã khen thưởng {n3} tập thể và {n4} cá nhân có thành tích xuất sắc trong {t}.",
    "Chủ tịch UBND tỉnh {p} {x} yêu cầu thủ trưởng các sở, ngành báo cáo kết quả trước ngày {dm}/{y}.",
    "Trong quý, {a} đã ban hành {n4} văn bản chỉ đạo, hướng dẫn về {t} đối với lĩnh vực {f}.",
    "Tại {d}, {n2} cán bộ, công chức đã được tập huấn kỹ năng sử dụng phần mềm một cửa điện tử.",
    "Kết quả khảo sát cho thấy {pc}% người dân hài lòng với việc giải quyết thủ tục hành chính lĩnh vực {f}.",
    "Ông {x}, Giám đốc {a} tỉnh {p}, cho biết đơn vị sẽ tập trung thực hiện {t} ngay từ đầu năm {y}.",
    "Tổng kinh phí thực hiện các nhiệm vụ {t} năm {y} là {n1} triệu đồng từ nguồn ngân sách tỉnh.",
]
BOILERPLATE = [
    "Cải cách hành chính là nhiệm vụ trọng tâm, xuyên suốt trong công tác chỉ đạo, điều hành của cấp ủy, chính quyền các cấp.",
    "Các nhiệm vụ trọng tâm gồm cải cách thể chế, cải cách thủ tục hành chính, cải cách tổ chức bộ máy, cải cách chế độ công vụ, cải cách tài chính công và xây dựng chính quyền số.",
    "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch UBND tỉnh về kết quả thực hiện nhiệm vụ cải cách hành chính.",
    "Việc tiếp nhận, giải quyết thủ tục hành chính được thực hiện công khai, minh bạch, đúng quy định tại Bộ phận Một cửa.",
    "Thực hiện Nghị quyết số 76/NQ-CP của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030.",
    "Tiếp tục nâng cao chất lượng phục vụ người dân và doanh nghiệp, lấy sự hài lòng của người dân làm thước đo.",
    "Đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và tái sử dụng dữ liệu đã được số hóa.",
    "Tăng cường công tác thông tin, tuyên truyền về cải cách hành chính trên các phương tiện thông tin đại chúng.",
    "Cán bộ, công chức, viên chức nghiêm túc chấp hành kỷ luật, kỷ cương hành chính, văn hóa công vụ.",
    "Bên cạnh những kết quả đạt được, công tác cải cách hành chính vẫn còn một số tồn tại, hạn chế cần khắc phục.",
    "Hạ tầng công nghệ thông tin ở một số đơn vị cấp xã còn thiếu đồng bộ, chưa đáp ứng yêu cầu chuyển đổi số.",
    "Tỷ lệ hồ sơ trực tuyến phát sinh ở một số lĩnh vực còn thấp do người dân chưa quen với dịch vụ công trực tuyến.",
]
CAPTIONS = ["Quang cảnh hội nghị", "Đại biểu dự hội nghị", "Lãnh đạo Sở phát biểu chỉ đạo",
            "Đoàn kiểm tra làm việc tại Bộ phận Một cửa", "Trao bằng khen cho các tập thể", "Người dân làm thủ tục"]


def _slots(rng: random.Random) -> dict[str, str]:
    return {
        "p": rng.choice(PROVINCES), "d": rng.choice(DISTRICTS), "a": rng.choice(AGENCIES),
        "x": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}", "f": rng.choice(FIELDS),
        "t": rng.choice(TOPICS), "dm": f"{rng.randint(1, 28)}/{rng.randint(1, 12)}", "y": str(rng.randint(2019, 2025)),
        "n1": str(rng.randint(100, 9999)), "n2": str(rng.randint(20, 900)), "n3": str(rng.randint(2, 60)),
        "n4": str(rng.randint(2, 40)), "pc": f"{rng.randint(70, 100)},{rng.randint(0, 9)}",
        "sc": f"{rng.randint(70, 95)},{rng.randint(10, 99)}", "rk": str(rng.randint(1, 63)),
    }


def _sentence(rng: random.Random, slots: dict[str, str], reslot: float) -> str:
    if rng.random() < 0.1:
        return rng.choice(BOILERPLATE)
    local = dict(slots)
    for key in ("x", "f", "n1", "n2", "n3", "n4", "pc", "dm", "d", "t"):
        if rng.random() < reslot:  # each sentence varies a few details of the story
            local[key] = _slots(rng)[key]
    return rng.choice(SLOTTED).format(**local)


def story(seed: int, syllables: int = 600) -> list[str]:
    """One article: paragraphs of ~4 sentences, a caption line and a byline, about ``syllables`` long."""
    rng = random.Random(seed)
    slots = _slots(rng)
    paras: list[str] = []
    count = 0
    while count < syllables:
        para = " ".join(_sentence(rng, slots, 0.5) for _ in range(rng.randint(2, 5)))
        paras.append(para)
        count += len(para.split())
        if len(paras) == 2:
            paras.append(f"Ảnh: {rng.choice(CAPTIONS)}")
    paras.append(f"{slots['x']}")
    return paras


def template_pair(seed: int) -> tuple[list[str], list[str]]:
    """Two different articles from one template (same sentence plan, another province's details)."""
    rng = random.Random(seed)
    plan = [rng.randrange(len(SLOTTED) + len(BOILERPLATE)) for _ in range(rng.randint(10, 26))]
    docs = []
    for k in range(2):
        slots = _slots(random.Random(seed * 7 + k))
        sub = random.Random(seed * 13 + k)
        out = []
        for i in plan:
            if i < len(SLOTTED):
                local = dict(slots)
                for key in ("x", "n1", "n2", "n3", "n4", "pc", "dm"):
                    if sub.random() < 0.5:
                        local[key] = _slots(sub)[key]
                out.append(SLOTTED[i].format(**local))
            else:
                out.append(BOILERPLATE[i - len(SLOTTED)])
        docs.append([" ".join(out[j:j + 3]) for j in range(0, len(out), 3)])
    return docs[0], docs[1]


def edit_copy(paras: list[str], seed: int, strength: int = 2) -> tuple[list[str], str]:
    """A republished copy with ``strength`` realistic edits; returns (paragraphs, what was done)."""
    rng = random.Random(seed)
    out = list(paras)
    done = []
    edits = rng.sample(["intro", "byline", "caption", "images", "trim", "source", "words", "title_line"], strength)
    for edit in edits:
        if edit == "intro":
            out.insert(0, rng.choice(["(Tin từ Cổng TTĐT tỉnh)", "Theo Báo điện tử Chính phủ,",
                                      f"(Chinhphu.vn) - Tin từ {rng.choice(AGENCIES)}"]))
        elif edit == "byline":
            out[-1] = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} (tổng hợp)"
        elif edit == "caption":
            out = [p + " (ảnh: tư liệu)" if p.startswith("Ảnh:") else p for p in out]
        elif edit == "images":
            out = [p for p in out if not p.startswith("Ảnh:")] + [f"Ảnh: {c}" for c in rng.sample(CAPTIONS, 2)]
        elif edit == "trim" and len(out) > 5:
            del out[-2]  # the last paragraph before the byline
        elif edit == "source":
            out.append(f"Nguồn: Cổng TTĐT tỉnh {rng.choice(PROVINCES)}")
        elif edit == "words":
            for _ in range(max(1, sum(len(p.split()) for p in out) // 80)):  # ~1% of words retyped
                k = rng.randrange(len(out))
                words = out[k].split(" ")
                words[rng.randrange(len(words))] = rng.choice(["và", "các", "đã", "của", "trong", "được"])
                out[k] = " ".join(words)
        elif edit == "title_line":
            out.insert(0, rng.choice(PROVINCES) + ": " + rng.choice(TOPICS))
        done.append(edit)
    return out, "+".join(done)


def revise(paras: list[str], seed: int) -> tuple[list[str], str]:
    """A later revision of the same article: a corrected figure, a sentence or a paragraph added."""
    rng = random.Random(seed)
    out = list(paras)
    kind = rng.choice(["figure", "sentence", "paragraph"])
    if kind == "figure":
        for i, p in enumerate(out):
            digits = [w for w in p.split() if w.isdigit()]
            if digits:
                out[i] = p.replace(digits[0], str(int(digits[0]) + rng.randint(1, 9)), 1)
                break
    elif kind == "sentence":
        i = rng.randrange(len(out))
        out[i] = out[i] + " " + rng.choice(BOILERPLATE)
    else:
        out.insert(len(out) - 1, _sentence(rng, _slots(rng), 0.5) + " " + _sentence(rng, _slots(rng), 0.5))
    return out, kind
