# English dates as the network's partners read them: "4 Dec 2026", "4 Dec 2026, 14:30",
# rather than Django's American defaults ("Dec. 4, 2026, 2:30 p.m."). French keeps Django's
# own formats ("4 décembre 2026", "4 décembre 2026 14:30").
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
TIME_FORMAT = "H:i"
