"""The demo's cooperatives and their OCOP products, as data: what ``demo.seed_demo`` loads.

Names, tax codes, phone numbers and barcodes are made up; places and products are Sơn La's.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from marketplace.catalog.models import SubjectType

SEED = 2026
DEMO_PASSWORD = "demo1234"  # documented; seeded only on request
OCOP_MONTHS = 36  # an OCOP certificate is valid for 36 months
PROVINCE_ISSUER = "UBND tỉnh Sơn La"
# 5-star products are recognised nationally, not by the province.
NATIONAL_ISSUER = "Bộ Nông nghiệp và Phát triển nông thôn"


class Coop(NamedTuple):
    key: str
    name: str
    subject_type: SubjectType
    area: str
    tax_code: str
    phone: str
    ethnic_minority_led: bool
    brand: str
    manager: str
    gs1: str | None = None  # made-up GS1 Vietnam (893) company prefix, 7 digits


class V(NamedTuple):
    sku: str
    options: str
    price: int
    list_price: int | None
    weight_g: int
    size: str  # "length x width x height" in cm
    barcode: bool = False


class P(NamedTuple):
    coop: str
    name: str
    category: str
    stars: int | None
    shelf_life_days: int | None
    ingredients: str | None
    description: str
    variants: list[V]
    status: str = "active"
    origin: str | None = None  # commune; the cooperative's own when None
    issued_on: date | None = None  # OCOP certificate date; drawn at random when None


ST = SubjectType
COOPERATIVES: list[Coop] = [
    Coop("che", "HTX Chè Mộc Châu Xanh", ST.COOPERATIVE, "Phường Mộc Châu", "5500512873",
         "0912345601", False, "Mộc Châu Xanh", "Nguyễn Thị Lan", "8936089"),
    Coop("caphe", "HTX Cà phê Arabica Chiềng Mung", ST.COOPERATIVE, "Xã Chiềng Mung",
         "5500623419", "0912345602", True, "Arabica Chiềng Mung", "Lò Văn Hùng", "8936102"),
    Coop("xoai", "HTX Xoài tròn Yên Châu", ST.COOPERATIVE, "Xã Yên Châu", "5500734561",
         "0912345603", False, "Xoài Yên Châu", "Hoàng Văn Minh", "8936117"),
    Coop("nhan", "HTX Nông nghiệp Nhãn Sông Mã", ST.COOPERATIVE, "Xã Sông Mã", "5500815724",
         "0912345604", True, "Nhãn Sông Mã", "Cầm Thị Thu"),
    Coop("thocam", "HTX Thổ cẩm và Đặc sản Thuận Châu", ST.COOPERATIVE, "Xã Thuận Châu",
         "5500927136", "0912345605", True, "Piêu Thuận Châu", "Lò Thị Mai"),
    Coop("gacbep", "Hộ kinh doanh Quàng Văn Thanh", ST.HOUSEHOLD, "Xã Quỳnh Nhai",
         "5501038247", "0912345606", True, "Gác bếp Quỳnh Nhai", "Quàng Văn Thanh"),
    Coop("thaonguyen", "Công ty TNHH Nông sản Thảo Nguyên Mộc Châu", ST.ENTERPRISE,
         "Phường Vân Sơn", "5501149358", "0912345607", False, "Thảo Nguyên Mộc Châu",
         "Trần Quốc Bảo", "8936054"),
    Coop("ong", "HTX Ong mật Mai Sơn", ST.COOPERATIVE, "Xã Mai Sơn", "5501250469",
         "0912345608", False, "Ong mật Mai Sơn", "Phạm Văn Đức"),
    Coop("taxua", "HTX Chè và Dược liệu Tà Xùa", ST.COOPERATIVE, "Xã Tà Xùa", "5501361570",
         "0912345609", True, "Tà Xùa", "Giàng A Páo"),
]  # fmt: skip

STORAGE = {
    "tea": "Nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp. Đậy kín sau khi mở.",
    "coffee": "Nơi khô ráo, thoáng mát. Sau khi mở, dùng trong 30 ngày.",
    "fresh-fruit": "Nhiệt độ phòng hoặc ngăn mát tủ lạnh (8–12 °C).",
    "dried-fruit": "Nơi khô ráo, thoáng mát. Sau khi mở, bảo quản trong ngăn mát tủ lạnh.",
    "dried-meat": "Ngăn mát tủ lạnh (0–5 °C); ngăn đá để dùng lâu hơn.",
    "honey": "Nơi thoáng mát, tránh ánh nắng; không để trong tủ lạnh.",
    "rice-grains": "Nơi khô ráo, thoáng mát, tránh ẩm và côn trùng.",
    "herbs": "Nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp.",
    "spices": "Nơi khô ráo, đậy kín sau khi dùng.",
    "alcohol": "Nơi thoáng mát, tránh ánh nắng trực tiếp.",
    "crafts": "Giặt tay bằng nước lạnh, phơi nơi râm mát.",
    "dairy": "Bảo quản lạnh từ 2 đến 6 °C.",
    "vegetables": "Ngăn mát tủ lạnh.",
    "other": "Nơi khô ráo, thoáng mát.",
}

PRODUCTS: list[P] = [
    # HTX Chè Mộc Châu Xanh
    P("che", "Chè Shan tuyết Mộc Châu", "tea", 5, 540, "100% búp chè Shan tuyết",
      "Búp chè Shan tuyết cổ thụ hái một tôm hai lá, sao tay, nước vàng sánh, hậu ngọt.",
      [V("CHE-SHAN-100G", "Khối lượng: 100 g", 150000, 170000, 150, "15x8x5", True),
       V("CHE-SHAN-200G", "Khối lượng: 200 g", 280000, 320000, 260, "20x10x6", True)]),
    P("che", "Chè Ô long Mộc Châu", "tea", 4, 540, "100% lá chè Ô long Thanh Tâm",
      "Chè Ô long vo viên trồng trên cao nguyên Mộc Châu, hương hoa tự nhiên.",
      [V("OLONG-200G", "Khối lượng: 200 g", 250000, None, 260, "20x10x6", True),
       V("OLONG-500G", "Khối lượng: 500 g", 580000, 620000, 600, "25x15x8", True)]),
    P("che", "Chè xanh Mộc Châu", "tea", 3, 365, "100% búp chè xanh",
      "Chè xanh sao sấy truyền thống, vị chát dịu, nước xanh trong.",
      [V("CHE-XANH-200G", "Khối lượng: 200 g", 120000, None, 250, "20x10x6"),
       V("CHE-XANH-500G", "Khối lượng: 500 g", 270000, 290000, 580, "25x15x8")]),
    P("che", "Hồng trà Mộc Châu", "tea", 3, 540, "100% lá chè lên men",
      "Hồng trà lên men tự nhiên, màu nước đỏ hổ phách, hợp pha trà sữa.",
      [V("HONG-TRA-200G", "Khối lượng: 200 g", 180000, None, 250, "20x10x6")]),
    P("che", "Trà Ô long túi lọc Mộc Châu", "tea", 3, 540, "Chè Ô long (100%)",
      "Trà Ô long đóng túi lọc tiện dùng ở văn phòng.",
      [V("OLONG-TUI-25", "Quy cách: hộp 25 túi x 2 g", 95000, 110000, 120, "16x8x7", True)]),
    P("che", "Bột trà xanh matcha Mộc Châu", "tea", None, 365, "100% bột lá chè xanh",
      "Bột trà xanh xay mịn từ lá chè che nắng, dùng pha uống và làm bánh.",
      [V("MATCHA-100G", "Khối lượng: 100 g", 160000, None, 140, "12x8x4")], "draft"),
    # HTX Cà phê Arabica Chiềng Mung
    P("caphe", "Cà phê Arabica Sơn La rang xay", "coffee", 4, 365, "100% cà phê Arabica",
      "Cà phê Arabica trồng ở độ cao trên 700 m, rang mộc vừa, hương trái cây, vị chua thanh.",
      [V("CF-XAY-250G", "Khối lượng: 250 g", 95000, None, 280, "18x10x5", True),
       V("CF-XAY-500G", "Khối lượng: 500 g", 180000, 200000, 540, "25x14x7", True)]),
    P("caphe", "Cà phê Arabica Sơn La hạt rang", "coffee", 4, 365, "100% cà phê Arabica",
      "Hạt cà phê Arabica chín đỏ, sơ chế ướt, rang mộc, xay theo nhu cầu.",
      [V("CF-HAT-500G", "Khối lượng: 500 g", 210000, 250000, 540, "25x14x7", True),
       V("CF-HAT-1KG", "Khối lượng: 1 kg", 400000, 450000, 1060, "30x18x9", True)]),
    P("caphe", "Cà phê Arabica Honey Chiềng Mung", "coffee", 3, 365, "100% cà phê Arabica",
      "Cà phê sơ chế honey, giữ lớp nhớt khi phơi, vị ngọt như mật.",
      [V("CF-HONEY-250G", "Khối lượng: 250 g", 150000, 165000, 280, "18x10x5")]),
    P("caphe", "Cà phê phin giấy Arabica", "coffee", None, 270, "100% cà phê Arabica",
      "Cà phê xay đóng phin giấy, pha nhanh bằng nước sôi.",
      [V("CF-PHIN-10", "Quy cách: hộp 10 gói x 15 g", 85000, None, 200, "16x12x6")], "draft"),
    P("caphe", "Cà phê nhân xanh Arabica Sơn La", "coffee", None, 540, "Cà phê Arabica nhân",
      "Nhân xanh loại 1, sàng 16 trở lên, cho quán và người tự rang.",
      [V("CF-NHAN-1KG", "Khối lượng: 1 kg", 130000, None, 1030, "30x20x8")]),
    # HTX Xoài tròn Yên Châu
    P("xoai", "Xoài tròn Yên Châu", "fresh-fruit", 4, 10, None,
      "Xoài tròn đặc sản Yên Châu, quả nhỏ, thơm, vị ngọt đậm, chua nhẹ; vụ tháng 5–6.",
      [V("XOAI-TRON-1KG", "Khối lượng: 1 kg", 60000, None, 1200, "25x20x10"),
       V("XOAI-TRON-3KG", "Khối lượng: 3 kg", 165000, 180000, 3400, "35x25x15")]),
    P("xoai", "Xoài sấy dẻo Yên Châu", "dried-fruit", 4, 270, "Xoài tròn Yên Châu, đường",
      "Xoài chín cắt lát sấy lạnh, giữ màu vàng tự nhiên, dẻo thơm.",
      [V("XOAI-SAY-250G", "Khối lượng: 250 g", 65000, 75000, 290, "20x14x4", True),
       V("XOAI-SAY-500G", "Khối lượng: 500 g", 120000, None, 560, "25x18x5", True)]),
    P("xoai", "Xoài sấy giòn Yên Châu", "dried-fruit", 3, 270, "100% xoài tròn Yên Châu",
      "Xoài sấy giòn không đường, ăn vặt lành mạnh.",
      [V("XOAI-GION-100G", "Khối lượng: 100 g", 45000, None, 130, "18x12x4", True)]),
    P("xoai", "Xoài ngọt Yên Châu", "fresh-fruit", None, 10, None,
      "Giống xoài ngọt bản địa, quả dài, thịt vàng, ít xơ.",
      [V("XOAI-NGOT-1KG", "Khối lượng: 1 kg", 50000, None, 1200, "25x20x10")], "draft"),
    # HTX Nông nghiệp Nhãn Sông Mã
    P("nhan", "Nhãn tươi Sông Mã", "fresh-fruit", 4, 7, None,
      "Nhãn muộn Sông Mã cùi dày, ráo nước, ngọt sắc; vụ tháng 7–9.",
      [V("NHAN-TUOI-1KG", "Khối lượng: 1 kg", 40000, None, 1150, "25x20x10"),
       V("NHAN-TUOI-5KG", "Khối lượng: 5 kg", 180000, 200000, 5500, "40x30x20")]),
    P("nhan", "Long nhãn sấy khô Sông Mã", "dried-fruit", 4, 365, "100% cùi nhãn",
      "Cùi nhãn sấy củi nhãn, màu cánh gián, dùng nấu chè và pha trà.",
      [V("LONG-NHAN-500G", "Khối lượng: 500 g", 150000, 170000, 540, "22x15x6"),
       V("LONG-NHAN-1KG", "Khối lượng: 1 kg", 290000, None, 1060, "28x20x8")]),
    P("nhan", "Nhãn sấy nguyên quả Sông Mã", "dried-fruit", 3, 365, "100% nhãn",
      "Nhãn sấy cả vỏ theo cách truyền thống, thơm mùi khói nhẹ.",
      [V("NHAN-SAY-500G", "Khối lượng: 500 g", 90000, None, 540, "22x15x8")],
      issued_on=date(2023, 5, 12)),  # certificate expired in May 2026, on purpose
    P("nhan", "Gạo Séng Cù Mường Lầm", "rice-grains", 3, 365, "100% gạo Séng Cù",
      "Gạo Séng Cù hạt dài, dẻo, thơm, trồng ven suối Mường Lầm.",
      [V("GAO-SENGCU-5KG", "Khối lượng: 5 kg", 120000, None, 5100, "40x25x8"),
       V("GAO-SENGCU-10KG", "Khối lượng: 10 kg", 230000, 240000, 10200, "50x30x12")],
      origin="Xã Mường Lầm"),
    P("nhan", "Gạo nếp nương Chiềng Khương", "rice-grains", None, 365, "100% gạo nếp nương",
      "Nếp nương trồng trên đồi, hạt tròn, đồ xôi dẻo thơm.",
      [V("GAO-NEP-2KG", "Khối lượng: 2 kg", 70000, None, 2050, "30x20x6")],
      origin="Xã Chiềng Khương"),
    # HTX Thổ cẩm và Đặc sản Thuận Châu
    P("thocam", "Khăn piêu thổ cẩm Thái", "crafts", 4, None, "Sợi bông, chỉ tơ tằm",
      "Khăn piêu thêu tay của phụ nữ Thái, mỗi chiếc mất 2–3 tuần.",
      [V("KHAN-PIEU-01", "Kích thước: 150 x 30 cm", 350000, 400000, 150, "25x20x3")]),
    P("thocam", "Túi thổ cẩm Thái", "crafts", 3, None, "Vải thổ cẩm dệt tay, vải lót",
      "Túi đeo vai may từ vải thổ cẩm dệt tay, hoa văn truyền thống.",
      [V("TUI-TC-NHO", "Cỡ: nhỏ", 180000, None, 250, "25x20x5"),
       V("TUI-TC-LON", "Cỡ: lớn", 280000, 320000, 400, "35x30x6")]),
    P("thocam", "Khăn trải bàn thổ cẩm", "crafts", None, None, "Vải thổ cẩm dệt tay",
      "Khăn trải bàn dệt tay, hoa văn hình quả trám.",
      [V("KHAN-BAN-120", "Kích thước: 120 x 60 cm", 420000, None, 450, "30x25x4")], "draft"),
    P("thocam", "Mắc khén Thuận Châu", "spices", 3, 365, "100% hạt mắc khén rừng",
      "Hạt mắc khén rừng phơi khô, rang lên thơm cay tê, gia vị của người Thái.",
      [V("MAC-KHEN-100G", "Khối lượng: 100 g", 45000, None, 130, "15x10x4"),
       V("MAC-KHEN-200G", "Khối lượng: 200 g", 85000, 95000, 240, "18x12x5")]),
    P("thocam", "Chẩm chéo Thái", "spices", 3, 180, "Ớt, mắc khén, tỏi, gừng, rau thơm, muối",
      "Chẩm chéo giã tay theo công thức người Thái, chấm xôi, rau và thịt nướng.",
      [V("CHAM-CHEO-100G", "Quy cách: hũ 100 g", 35000, None, 220, "7x7x8")]),
    P("thocam", "Gạo nếp cẩm Thuận Châu", "rice-grains", None, 365, "100% gạo nếp cẩm",
      "Nếp cẩm hạt tím, đồ xôi, nấu rượu nếp và sữa chua nếp cẩm.",
      [V("NEP-CAM-2KG", "Khối lượng: 2 kg", 90000, None, 2050, "30x20x6")]),
    # Hộ kinh doanh Quàng Văn Thanh (Quỳnh Nhai)
    P("gacbep", "Thịt trâu gác bếp Quỳnh Nhai", "dried-meat", 4, 180,
      "Thịt trâu, mắc khén, gừng, ớt, muối",
      "Thịt bắp trâu tẩm mắc khén, hun khói củi trên gác bếp, hút chân không.",
      [V("TRAU-GB-250G", "Khối lượng: 250 g", 260000, None, 300, "22x15x3"),
       V("TRAU-GB-500G", "Khối lượng: 500 g", 500000, 550000, 560, "28x18x4")]),
    P("gacbep", "Thịt lợn gác bếp Quỳnh Nhai", "dried-meat", 3, 180,
      "Thịt lợn bản, mắc khén, tỏi, ớt, muối",
      "Thịt lợn bản thả đồi, ướp gia vị núi rừng, treo gác bếp.",
      [V("LON-GB-500G", "Khối lượng: 500 g", 320000, 350000, 560, "28x18x4")]),
    P("gacbep", "Lạp xưởng gác bếp", "dried-meat", 3, 120, "Thịt lợn, mỡ, rượu ngô, mắc khén",
      "Lạp xưởng hun khói, thơm mùi rượu ngô và mắc khén.",
      [V("LAP-XUONG-500G", "Khối lượng: 500 g", 200000, None, 540, "25x18x4")]),
    P("gacbep", "Cá nướng sông Đà", "other", None, 90, "Cá sông Đà, muối, gia vị",
      "Cá đánh bắt trên lòng hồ thủy điện Sơn La, nướng than hoa, hút chân không.",
      [V("CA-NUONG-500G", "Khối lượng: 500 g", 250000, None, 560, "28x18x4")], "draft"),
    # Công ty TNHH Nông sản Thảo Nguyên Mộc Châu
    P("thaonguyen", "Mận hậu Mộc Châu", "fresh-fruit", 4, 10, None,
      "Mận hậu Mộc Châu quả to, giòn, ngọt hậu; vụ tháng 5–6.",
      [V("MAN-HAU-1KG", "Khối lượng: 1 kg", 50000, None, 1150, "25x20x10"),
       V("MAN-HAU-3KG", "Khối lượng: 3 kg", 140000, 150000, 3300, "35x25x15")],
      origin="Phường Mộc Châu"),
    P("thaonguyen", "Mận sấy dẻo Mộc Châu", "dried-fruit", 4, 270, "Mận hậu, đường, muối",
      "Mận hậu sấy dẻo chua ngọt, không chất bảo quản.",
      [V("MAN-SAY-250G", "Khối lượng: 250 g", 70000, 80000, 290, "20x14x4", True),
       V("MAN-SAY-500G", "Khối lượng: 500 g", 130000, None, 560, "25x18x5", True)]),
    P("thaonguyen", "Rượu mận Mộc Châu", "alcohol", 3, 1825, "Mận hậu, rượu gạo; 29% vol",
      "Rượu mận ngâm từ mận hậu chín, màu hồng cánh sen. Không bán cho người dưới 18 tuổi.",
      [V("RUOU-MAN-500ML", "Dung tích: 500 ml", 150000, None, 900, "9x9x28", True),
       V("RUOU-MAN-750ML", "Dung tích: 750 ml", 210000, 230000, 1250, "9x9x32", True)]),
    P("thaonguyen", "Bánh sữa Mộc Châu", "dairy", 3, 90, "Sữa bò tươi, đường",
      "Bánh sữa làm từ sữa bò tươi cao nguyên, thơm, mềm, ngọt vừa.",
      [V("BANH-SUA-200G", "Khối lượng: 200 g", 55000, None, 240, "18x10x4", True)]),
    P("thaonguyen", "Sữa chua Mộc Châu", "dairy", 3, 20, "Sữa bò tươi, đường, men sữa chua",
      "Sữa chua ủ từ sữa bò tươi trong ngày.",
      [V("SUA-CHUA-4X100G", "Quy cách: lốc 4 hũ x 100 g", 32000, None, 450, "14x14x6")]),
    P("thaonguyen", "Sữa tươi thanh trùng Mộc Châu", "dairy", None, 10, "100% sữa bò tươi",
      "Sữa tươi thanh trùng, giao trong ngày tại Mộc Châu.",
      [V("SUA-TUOI-1L", "Dung tích: 1 lít", 38000, None, 1080, "8x8x24")]),
    P("thaonguyen", "Su su Mộc Châu", "vegetables", None, 7, None,
      "Quả su su non trồng trên cao nguyên, giòn, ngọt.",
      [V("SU-SU-1KG", "Khối lượng: 1 kg", 25000, None, 1100, "25x20x10")]),
    # HTX Ong mật Mai Sơn
    P("ong", "Mật ong hoa nhãn Mai Sơn", "honey", 4, 730, "100% mật ong hoa nhãn",
      "Mật ong hoa nhãn vụ xuân, màu vàng sáng, thơm mùi nhãn.",
      [V("MAT-NHAN-500ML", "Dung tích: 500 ml", 180000, 200000, 850, "8x8x18"),
       V("MAT-NHAN-1L", "Dung tích: 1 lít", 340000, None, 1600, "10x10x24")]),
    P("ong", "Mật ong hoa cà phê Sơn La", "honey", 3, 730, "100% mật ong hoa cà phê",
      "Mật ong từ đàn ong nuôi trong vườn cà phê, vị đậm, hậu đắng nhẹ.",
      [V("MAT-CAPHE-500ML", "Dung tích: 500 ml", 170000, None, 850, "8x8x18")],
      origin="Xã Chiềng Mung"),
    P("ong", "Mật ong hoa ban", "honey", None, 730, "100% mật ong hoa ban",
      "Mật ong hoa ban Tây Bắc, mùa hoa tháng 2–3.",
      [V("MAT-HOABAN-500ML", "Dung tích: 500 ml", 220000, None, 850, "8x8x18")], "draft"),
    P("ong", "Hạt mắc ca Sơn La sấy nứt vỏ", "other", 3, 270, "100% hạt mắc ca",
      "Mắc ca trồng ở Mai Sơn, sấy nứt vỏ, kèm dụng cụ tách vỏ.",
      [V("MACCA-500G", "Khối lượng: 500 g", 160000, 180000, 540, "22x15x7"),
       V("MACCA-1KG", "Khối lượng: 1 kg", 300000, None, 1060, "28x20x9")]),
    # HTX Chè và Dược liệu Tà Xùa
    P("taxua", "Chè Shan tuyết cổ thụ Tà Xùa", "tea", 4, 540, "100% búp chè Shan tuyết",
      "Búp chè từ cây Shan tuyết hàng trăm năm tuổi trên đỉnh Tà Xùa, phủ lông tơ trắng.",
      [V("TX-SHAN-100G", "Khối lượng: 100 g", 190000, None, 150, "15x8x5"),
       V("TX-SHAN-200G", "Khối lượng: 200 g", 350000, 390000, 260, "20x10x6")]),
    P("taxua", "Trà giảo cổ lam túi lọc", "herbs", 3, 540, "100% giảo cổ lam sấy khô",
      "Giảo cổ lam trồng dưới tán rừng, sấy khô, đóng túi lọc.",
      [V("GCL-TUI-30", "Quy cách: hộp 30 túi x 3 g", 90000, None, 150, "16x9x7")]),
    P("taxua", "Tinh bột nghệ vàng Bắc Yên", "herbs", None, 540, "100% củ nghệ vàng",
      "Tinh bột nghệ lọc thủ công, mịn, màu vàng tươi.",
      [V("NGHE-500G", "Khối lượng: 500 g", 250000, None, 560, "12x12x10")],
      origin="Xã Bắc Yên"),
    P("taxua", "Táo mèo sấy khô Bắc Yên", "dried-fruit", 3, 365, "100% quả táo mèo",
      "Táo mèo (sơn tra) thái lát phơi khô, hãm nước uống hoặc ngâm rượu.",
      [V("TAO-MEO-500G", "Khối lượng: 500 g", 60000, None, 540, "25x18x6")]),
    P("taxua", "Rượu táo mèo Bắc Yên", "alcohol", 3, 1825, "Táo mèo, rượu ngô; 29% vol",
      "Rượu táo mèo ngâm lâu năm, màu hổ phách. Không bán cho người dưới 18 tuổi.",
      [V("RUOU-TAOMEO-500ML", "Dung tích: 500 ml", 120000, 135000, 900, "9x9x28")]),
    P("taxua", "Măng khô Phù Yên", "vegetables", None, 365, "100% măng rừng",
      "Măng rừng luộc, phơi khô tự nhiên, ngâm mềm rồi nấu canh, xào.",
      [V("MANG-KHO-500G", "Khối lượng: 500 g", 150000, None, 540, "25x18x8")],
      origin="Xã Phù Yên"),
]  # fmt: skip

# The demo's sales history (demo_history.py): two years of orders on the demo shops.
HISTORY_DAYS = 730
# Lunar New Year's day: sales of gifts peak in the weeks before it, and stop while the
# carriers rest around it.
TET = (date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6))
# Orders a day per cooperative today, all shops together (two years ago: under half).
DAILY_ORDERS = {
    "che": 5.0, "caphe": 5.5, "xoai": 3.5, "nhan": 2.5, "thocam": 1.5, "gacbep": 3.0,
    "thaonguyen": 4.0, "ong": 3.0, "taxua": 2.0,
}  # fmt: skip
# Share of the orders by platform two years ago and today: TikTok Shop grows fastest.
PLATFORM_SHARES = {"shopee": (0.60, 0.45), "lazada": (0.28, 0.17), "tiktok": (0.12, 0.38)}
# Fresh produce sells only in its season: a word of the product's name → (first, last month).
SEASONS = {"Mận": (5, 6), "Xoài": (6, 8), "Nhãn tươi": (7, 8)}
WEEKDAY = (0.95, 0.9, 0.9, 0.95, 1.05, 1.25, 1.2)  # Monday first: weekends sell more
# Where buyers live: province names only (the 34 provinces and cities since July 2025).
PROVINCES = {
    "Hà Nội": 30, "TP. Hồ Chí Minh": 24, "Hải Phòng": 6, "Sơn La": 8, "Đà Nẵng": 4,
    "Bắc Ninh": 4, "Quảng Ninh": 3, "Thái Nguyên": 3, "Phú Thọ": 3, "Hưng Yên": 3,
    "Ninh Bình": 3, "Thanh Hóa": 3, "Nghệ An": 3, "Lào Cai": 2, "Điện Biên": 2,
    "Tuyên Quang": 1, "Lai Châu": 1, "Cao Bằng": 1, "Lạng Sơn": 1, "Hà Tĩnh": 1,
    "Huế": 1, "Quảng Trị": 1, "Quảng Ngãi": 1, "Gia Lai": 1, "Khánh Hòa": 1, "Đắk Lắk": 1,
    "Lâm Đồng": 2, "Đồng Nai": 3, "Tây Ninh": 1, "Cần Thơ": 2, "Vĩnh Long": 1,
    "Đồng Tháp": 1, "An Giang": 1, "Cà Mau": 1,
}  # fmt: skip
# Platform fees as a share of the goods' value, by kind (made up, in the platforms' range).
FEE_RATES = {
    "shopee": {"commission": 0.06, "service": 0.03, "transaction": 0.025},
    "lazada": {"commission": 0.05, "service": 0.02, "transaction": 0.02},
    "tiktok": {"commission": 0.05, "service": 0.025, "transaction": 0.03},
}
# From 1 July 2025 platforms withhold a household business's VAT and income tax (1.5 %).
HOUSEHOLD_TAX_RATE, HOUSEHOLD_TAX_FROM = 0.015, date(2025, 7, 1)
# The platforms' own names for the fee kinds and the payout, as their settlements send them.
SETTLEMENT_NAMES = {
    "shopee": {
        "commission": "commission_fee", "service": "service_fee",
        "transaction": "seller_transaction_fee", "shipping": "actual_shipping_fee",
        "voucher": "voucher_from_seller", "tax": "withholding_tax", "net": "escrow_amount",
    },
    "lazada": {
        "commission": "Commission", "service": "Service Fee",
        "transaction": "Payment Fee", "shipping": "Shipping Fee Paid by Seller",
        "voucher": "Promotional Charges Vouchers", "tax": "Withholding Tax", "net": "Payout",
    },
    "tiktok": {
        "commission": "platform_commission_amount", "service": "service_fee_amount",
        "transaction": "transaction_fee_amount", "shipping": "shipping_cost_amount",
        "voucher": "seller_voucher_amount", "tax": "tax_amount", "net": "settlement_amount",
    },
}  # fmt: skip
# SKUs of old listings (gift sets made before the catalogue) that match no variant.
UNKNOWN_SKUS = ("COMBO-TET-GIO-QUA", "SET-QUA-BIEU-SON-LA", "HOP-QUA-OCOP-2")
