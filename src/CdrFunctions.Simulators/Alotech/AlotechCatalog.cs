namespace CdrFunctions.Simulators.Alotech;

/// <summary>Fixed tenant data the generator draws from; Turkish letters on purpose, to exercise UTF-8 handling.</summary>
internal static class AlotechCatalog
{
    /// <summary>Queues with App Engine style keys, which is what Alotech ids look like.</summary>
    public static readonly IReadOnlyList<(string Name, string Key)> Queues =
    [
        ("Müşteri Hizmetleri", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDE"),
        ("Satış", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDI"),
        ("Teknik Destek", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDM"),
        ("İade ve Değişim", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDQ"),
        ("Kurumsal Çözümler", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDU"),
    ];

    public static readonly IReadOnlyList<(string Email, string Id)> Agents =
    [
        ("ayse.yilmaz@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDE"),
        ("mehmet.kaya@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDI"),
        ("zeynep.demir@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDM"),
        ("şule.öztürk@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDQ"),
        ("gökhan.çelik@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDU"),
        ("ibrahim.sahin@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDY"),
    ];

    /// <summary>Numbers customers dial (inbound called_num) and the tenant shows when calling out.</summary>
    public static readonly IReadOnlyList<string> TenantNumbers = ["08502221234", "02124440000", "4440123"];

    public static readonly IReadOnlyList<string> Trunks = ["ttnet", "turkcell", "vodafone"];

    public static readonly IReadOnlyList<(string Tag, string Key)> Tags =
    [
        ("Şikayet", "tag-01"),
        ("Bilgi Talebi", "tag-02"),
        ("Satış Fırsatı", "tag-03"),
        ("İptal", "tag-04"),
        ("Geri Arama", "tag-05"),
    ];

    public static readonly IReadOnlyList<(string Question, string Key)> CsatQuestions =
    [
        ("Aldığınız hizmetten memnun kaldınız mı?", "csat-q1"),
        ("Sorununuz çözüldü mü?", "csat-q2"),
    ];
}
