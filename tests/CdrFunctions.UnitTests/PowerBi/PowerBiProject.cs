using CdrFunctions.Tests.Infra;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>The repository's PBIP (powerbi/): the semantic model's TMDL files read into nodes, and the KPI SQL file.</summary>
internal sealed class PowerBiProject
{
    /// <summary>The KPI measures the issue names, in its words.</summary>
    public static readonly string[] KpiMeasures =
    [
        "Calls", "Inbound", "Outbound", "Answered", "Abandoned", "Missed", "Answer rate", "Abandonment rate",
        "Service level %", "Average speed of answer", "Average handle time", "Average talk", "Average hold", "Transfer rate",
    ];

    public static string Folder => RepositoryFiles.PathOf("powerbi");
    public static string ModelDefinition => Path.Combine(Folder, "CdrCalls.SemanticModel", "definition");
    public static string ReportDefinition => Path.Combine(Folder, "CdrCalls.Report", "definition");

    private PowerBiProject(TmdlNode model, IReadOnlyList<TmdlNode> tables, IReadOnlyList<TmdlNode> relationships, IReadOnlyList<TmdlNode> expressions)
    {
        Model = model;
        Tables = tables;
        Relationships = relationships;
        Expressions = expressions;
    }

    public TmdlNode Model { get; }
    public IReadOnlyList<TmdlNode> Tables { get; }
    public IReadOnlyList<TmdlNode> Relationships { get; }
    public IReadOnlyList<TmdlNode> Expressions { get; }

    public TmdlNode Table(string name) => Tables.Single(t => t.Name == name);

    public IEnumerable<(TmdlNode Table, TmdlNode Measure)> Measures => Tables.SelectMany(t => t.All("measure").Select(m => (t, m)));

    public static PowerBiProject Load()
    {
        var model = Tmdl.ParseFile(Path.Combine(ModelDefinition, "model.tmdl")).Single(n => n.Keyword == "model");
        var tables = Directory.GetFiles(Path.Combine(ModelDefinition, "tables"), "*.tmdl").Order(StringComparer.Ordinal)
            .Select(f => Tmdl.ParseFile(f).Single(n => n.Keyword == "table")).ToList();
        var relationships = Tmdl.ParseFile(Path.Combine(ModelDefinition, "relationships.tmdl")).Where(n => n.Keyword == "relationship").ToList();
        var expressions = Tmdl.ParseFile(Path.Combine(ModelDefinition, "expressions.tmdl")).Where(n => n.Keyword == "expression").ToList();
        return new PowerBiProject(model, tables, relationships, expressions);
    }

    /// <summary>powerbi/kpis.sql: each statement under its "-- kpi: Name" line.</summary>
    public static IReadOnlyDictionary<string, string> KpiSql()
    {
        var kpis = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        var statement = new List<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(Folder, "kpis.sql")))
        {
            if (line.StartsWith("-- kpi:", StringComparison.Ordinal))
            {
                name = line["-- kpi:".Length..].Trim();
                statement.Clear();
            }
            else if (name is not null && !line.StartsWith("--", StringComparison.Ordinal))
            {
                statement.Add(line);
                if (line.TrimEnd().EndsWith(';'))
                {
                    kpis.Add(name, string.Join('\n', statement).Trim().TrimEnd(';'));
                    name = null;
                }
            }
        }
        return kpis;
    }
}
