namespace Fangkong.Core.People;

/// <summary>
/// The starting list of key-population categories a new county gets. It follows the national 2020 list of groups
/// that must be tested (应检尽检) and the supply and service workers the seed documents name; counties edit it.
/// </summary>
public static class DefaultCategories
{
    public static IReadOnlyList<(string Code, string NameZh, string NameEn)> All { get; } =
    [
        ("medical-staff", "医务人员", "Medical staff"),
        ("fever-clinic-staff", "发热门诊工作人员", "Fever-clinic staff"),
        ("quarantine-staff", "隔离场所工作人员", "Quarantine-site staff"),
        ("port-staff", "口岸检疫及边检人员", "Port quarantine and border staff"),
        ("prison-staff", "监所工作人员", "Prison and detention staff"),
        ("elderly-care-staff", "养老机构工作人员", "Elderly-care staff"),
        ("new-inpatient", "新住院患者及陪护", "New inpatients and carers"),
        ("cold-chain", "冷链从业人员", "Cold-chain workers"),
        ("delivery", "快递外卖人员", "Couriers and delivery riders"),
        ("supermarket", "商超从业人员", "Supermarket and market workers"),
        ("driver", "交通运输从业人员", "Transport workers and drivers"),
        ("hotel-staff", "宾馆民宿从业人员", "Hotel and guesthouse staff"),
        ("teacher", "教职员工", "Teachers and school staff"),
        ("student", "学生", "Students"),
        ("childcare-staff", "托幼机构工作人员", "Childcare staff"),
        ("public-servant", "机关事业单位人员", "Public servants"),
        ("construction", "建筑工地人员", "Construction workers"),
    ];
}
