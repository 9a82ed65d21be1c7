"""Contents of the non-article pages: intro, org chart, contact, weekly calendar, TTHC, search, login."""

from __future__ import annotations

from snapshot.markup import e

TITLES = {
    "intro": "Giới thiệu chung",
    "org": "Sơ đồ tổ chức",
    "contact": "Liên hệ",
    "calendar": "Lịch công tác tuần",
    "tthc": "Thủ tục hành chính",
    "search": "Tìm kiếm",
    "login": "Đăng nhập",
}

CALENDAR = [
    ("Thứ hai (09/02)", "08h00: Giám đốc Sở chủ trì giao ban lãnh đạo Sở. Địa điểm: Phòng họp số 1."),
    ("Thứ ba (10/02)", "14h00: Phó Giám đốc Sở dự họp trực tuyến với Bộ Khoa học và Công nghệ."),
    ("Thứ tư (11/02)", "Cả ngày: Đoàn kiểm tra công tác CCHC của Sở làm việc tại các đơn vị trực thuộc."),
    ("Thứ năm (12/02)", "08h30: Giám đốc Sở dự phiên họp thường kỳ UBND tỉnh."),
    ("Thứ sáu (13/02)", "09h00: Hội đồng tư vấn nghiệm thu nhiệm vụ KH&CN cấp tỉnh."),
]

PROCEDURES = [
    ("Thủ tục đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ", "Hoạt động khoa học và công nghệ", "Toàn trình"),
    ("Thủ tục cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ", "Hoạt động khoa học và công nghệ", "Một phần"),
    ("Thủ tục cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế", "Năng lượng nguyên tử, an toàn bức xạ và hạt nhân", "Toàn trình"),
    ("Thủ tục đăng ký công bố hợp quy đối với các sản phẩm, hàng hóa", "Tiêu chuẩn đo lường chất lượng", "Toàn trình"),
    ("Thủ tục hỗ trợ doanh nghiệp có dự án thuộc ngành, nghề ưu đãi đầu tư nhận chuyển giao công nghệ", "Hoạt động khoa học và công nghệ", "Một phần"),
    ("Thủ tục xét tặng giải thưởng chất lượng quốc gia", "Tiêu chuẩn đo lường chất lượng", "Một phần"),
]

DEPARTMENTS = ["Văn phòng Sở", "Thanh tra Sở", "Phòng Kế hoạch - Tài chính", "Phòng Quản lý khoa học", "Phòng Quản lý công nghệ và Chuyển đổi số", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "Trung tâm Thông tin - Ứng dụng KH&CN"]


def page_html(key: str, site: dict) -> str:
    """The body HTML of one non-article page of ``site``."""
    name, province = e(site["name"]), e(site["province"])
    if key == "intro":
        return (
            f"<p><strong>{name}</strong> là cơ quan chuyên môn thuộc UBND {e(site['tinh'])}, có chức năng tham mưu, giúp UBND tỉnh quản lý nhà nước về khoa học và công nghệ; phát triển tiềm lực khoa học và công nghệ; tiêu chuẩn, đo lường, chất lượng; sở hữu trí tuệ; ứng dụng bức xạ và đồng vị phóng xạ; an toàn bức xạ và hạt nhân.</p>"
            "<p>Sở có tư cách pháp nhân, có con dấu và tài khoản riêng; chịu sự chỉ đạo, quản lý về tổ chức, biên chế và công tác của UBND tỉnh, đồng thời chịu sự chỉ đạo, kiểm tra, hướng dẫn về chuyên môn, nghiệp vụ của Bộ Khoa học và Công nghệ.</p>"
            "<h3>Chức năng, nhiệm vụ</h3><ul><li>Trình UBND tỉnh dự thảo quyết định, chỉ thị, quy hoạch, kế hoạch dài hạn, 05 năm và hằng năm về khoa học và công nghệ;</li><li>Tổ chức thực hiện các văn bản quy phạm pháp luật, quy hoạch, kế hoạch sau khi được phê duyệt;</li><li>Hướng dẫn, kiểm tra, thanh tra việc thực hiện các quy định của pháp luật về khoa học và công nghệ.</li></ul>"
        )
    if key == "org":
        rows = "".join(f"<tr><td>{i}</td><td>{e(d)}</td></tr>" for i, d in enumerate(DEPARTMENTS, 1))
        return f'<p style="text-align:center"><img src="/images/so-do-to-chuc.png" alt="Sơ đồ tổ chức" /></p><p>Cơ cấu tổ chức của Sở gồm Giám đốc, các Phó Giám đốc và các phòng, đơn vị:</p><table class="table" border="1" cellpadding="4"><tbody><tr><th>STT</th><th>Đơn vị</th></tr>{rows}</tbody></table>'
    if key == "contact":
        return (
            f"<p><strong>{name}</strong></p><p>Địa chỉ: {e(site['address'])}</p><p>Điện thoại: {e(site['phone'])}</p><p>Email: {e(site['email'])}</p>"
            '<form class="contact-form" method="post"><p>Họ và tên: <input type="text" name="hoten" /></p><p>Email: <input type="text" name="email" /></p>'
            '<p>Nội dung: <textarea name="noidung"></textarea></p><p><input type="submit" value="Gửi liên hệ" /></p></form>'
        )
    if key == "calendar":
        rows = "".join(f"<tr><td><strong>{e(d)}</strong></td><td>{e(t)}</td></tr>" for d, t in CALENDAR)
        return f'<p><strong>LỊCH CÔNG TÁC CỦA LÃNH ĐẠO SỞ</strong></p><p>(Tuần từ ngày 09/02/2026 đến ngày 13/02/2026)</p><table border="1" cellpadding="4" class="lich-tuan"><tbody><tr><th>Ngày</th><th>Nội dung</th></tr>{rows}</tbody></table><p>Lịch công tác có thể thay đổi, đề nghị các phòng, đơn vị theo dõi thường xuyên.</p>'
    if key == "tthc":
        rows = "".join(f'<tr><td>{i}</td><td><a href="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.00{i}{len(p)}">{e(p)}</a></td><td>{e(f)}</td><td>{e(m)}</td></tr>' for i, (p, f, m) in enumerate(PROCEDURES, 1))
        return f'<p>Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của {name}:</p><table border="1" cellpadding="4" class="tthc"><tbody><tr><th>STT</th><th>Tên thủ tục</th><th>Lĩnh vực</th><th>Mức độ DVC</th></tr>{rows}</tbody></table>'
    if key == "search":
        return '<form method="get" class="search-page"><input type="text" name="q" value="" placeholder="Nhập từ khóa" /><input type="submit" value="Tìm kiếm" /></form><p>Vui lòng nhập từ khóa để tìm kiếm.</p>'
    if key == "login":
        return '<form method="post" class="login-form"><p>Tên đăng nhập: <input type="text" name="username" /></p><p>Mật khẩu: <input type="password" name="password" /></p><p><input type="checkbox" name="remember" /> Ghi nhớ</p><p><input type="submit" value="Đăng nhập" /></p><p><a href="#">Quên mật khẩu?</a></p></form>'
    raise KeyError(key)
