"""Every kind of notification, named as the settings page shows it (a user chooses e-mail per kind)."""

KINDS = {
    "submission-submitted": "Организация отправила отчёт на проверку",
    "submission-returned": "Отчёт организации возвращён на доработку",
    "submission-accepted": "Отчёт организации принят",
    "submission-reopened": "Принятый отчёт организации снова на проверке",
    "report-submitted": "Муниципалитет отправил отчёт в регион",
    "report-returned": "Муниципальный отчёт возвращён на доработку",
    "report-accepted": "Муниципальный отчёт принят",
    "extension-request": "Региональный оператор просит продлить срок региона",
    "reminder": "Напоминание о сроке отчёта",
    "escalation": "Список просрочивших отчёт",
    "municipal-draft": "Черновик муниципального отчёта собран",
    "regional-draft": "Черновик региональной сводки собран",
    "federal-reminder": "Напоминание о сроке федеральной формы",
    "form-ready": "Федеральная форма готова",
}
