using System.Text.Json;
using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>
/// Structure of the PBIP in powerbi/: what Power BI Desktop would reject or silently get wrong when it opens the
/// text files (a reference to a column that does not exist, a table without a partition, a refresh policy that
/// downloads every file before filtering), checked without Desktop.
/// </summary>
public partial class PowerBiModelTests
{
    private static readonly string[] PartitionKinds = ["m", "calculated"];

    private readonly PowerBiProject _project = PowerBiProject.Load();

    [Fact]
    public void The_project_files_are_where_power_bi_desktop_looks_for_them()
    {
        var pbip = JsonDocument.Parse(File.ReadAllText(Path.Combine(PowerBiProject.Folder, "CdrCalls.pbip"))).RootElement;
        var reportFolder = pbip.GetProperty("artifacts")[0].GetProperty("report").GetProperty("path").GetString()!;
        var pbir = JsonDocument.Parse(File.ReadAllText(Path.Combine(PowerBiProject.Folder, reportFolder, "definition.pbir"))).RootElement;
        var modelFolder = pbir.GetProperty("datasetReference").GetProperty("byPath").GetProperty("path").GetString()!;
        var model = Path.GetFullPath(Path.Combine(PowerBiProject.Folder, reportFolder, modelFolder));
        Assert.True(File.Exists(Path.Combine(model, "definition.pbism")), model);
        Assert.Equal(Path.GetFullPath(Path.Combine(PowerBiProject.ModelDefinition, "..")), model.TrimEnd(Path.DirectorySeparatorChar));
        Assert.True(File.Exists(Path.Combine(PowerBiProject.ModelDefinition, "database.tmdl")));

        // Every JSON file of the project parses (Desktop refuses to open a project with one broken file).
        foreach (var file in Directory.GetFiles(PowerBiProject.Folder, "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".pbip", StringComparison.Ordinal)
                         || f.EndsWith(".pbir", StringComparison.Ordinal) || f.EndsWith(".pbism", StringComparison.Ordinal) || Path.GetFileName(f) == ".platform"))
        {
            using var _ = JsonDocument.Parse(File.ReadAllText(file));
        }
    }

    [Fact]
    public void Git_ignores_the_local_data_cache_and_settings()
    {
        var ignored = File.ReadAllLines(Path.Combine(PowerBiProject.Folder, ".gitignore")).Select(l => l.Trim()).ToList();
        Assert.Contains("**/.pbi/cache.abf", ignored);
        Assert.Contains("**/.pbi/localSettings.json", ignored);
        Assert.Empty(Directory.GetFiles(PowerBiProject.Folder, "cache.abf", SearchOption.AllDirectories));
    }

    [Fact]
    public void Every_table_is_in_the_model_and_has_a_partition_with_a_source()
    {
        var referenced = Tmdl.ParseFile(Path.Combine(PowerBiProject.ModelDefinition, "model.tmdl"))
            .Where(n => n.Keyword == "ref" && n.Name.StartsWith("table ", StringComparison.Ordinal))
            .Select(n => Tmdl.ReadName(n.Name["table ".Length..]).Name).ToList();
        Assert.Equal(_project.Tables.Select(t => t.Name).Order(StringComparer.Ordinal), referenced.Order(StringComparer.Ordinal));
        Assert.Contains("Calls", referenced);
        Assert.All(_project.Tables, t =>
        {
            var partition = Assert.Single(t.All("partition"));
            Assert.Contains(partition.Expression, PartitionKinds);
            Assert.False(string.IsNullOrWhiteSpace(partition.One("source")?.Expression), $"{t.Name}: partition without a source");
            Assert.Equal("import", partition.Property("mode"));
        });
        Assert.Equal("m", _project.Table("Calls").One("partition")!.Expression);
    }

    [Fact]
    public void Every_column_is_typed_and_reads_a_column_its_partition_produces()
    {
        string[] types = ["string", "int64", "double", "decimal", "dateTime", "boolean"];
        foreach (var table in _project.Tables)
        {
            var source = table.One("partition")!.One("source")!.Expression!;
            var names = table.All("column").Select(c => c.Name).ToList();
            Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
            foreach (var column in table.All("column"))
            {
                var where = $"{table.Name}[{column.Name}]";
                Assert.Contains(column.Property("dataType"), types);
                var sourceColumn = column.Property("sourceColumn");
                Assert.False(string.IsNullOrEmpty(sourceColumn), $"{where}: no sourceColumn");
                // M columns by name ("vendor"); calculated-table columns as [Name] ("Name" in ADDCOLUMNS/SELECTCOLUMNS),
                // or the column CALENDAR ([Date]) or GENERATESERIES ([Value]) makes.
                var produced = sourceColumn!.StartsWith('[')
                    ? source.Contains($"\"{sourceColumn[1..^1]}\"", StringComparison.Ordinal)
                        || (sourceColumn == "[Value]" && source.Contains("GENERATESERIES(", StringComparison.Ordinal))
                        || (sourceColumn == "[Date]" && source.Contains("CALENDAR(", StringComparison.Ordinal))
                    : source.Contains($"\"{sourceColumn}\"", StringComparison.Ordinal);
                Assert.True(produced, $"{where}: its partition produces no column {sourceColumn}");
                if (column.Property("sortByColumn") is { } sortBy)
                {
                    Assert.Contains(Tmdl.ReadName(sortBy).Name, names);
                }
            }
        }
    }

    [Fact]
    public void Every_measure_and_calculated_table_refers_to_columns_and_measures_that_exist()
    {
        var measures = _project.Measures.Select(m => m.Measure.Name).ToList();
        Assert.Equal(measures.Distinct(StringComparer.Ordinal).Count(), measures.Count);
        foreach (var (table, measure) in _project.Measures)
        {
            Assert.False(string.IsNullOrWhiteSpace(measure.Expression), $"[{measure.Name}] has no expression");
            AssertReferencesExist($"[{measure.Name}]", measure.Expression!, allowBareColumns: false);
        }
        foreach (var table in _project.Tables.Where(t => t.One("partition")!.Expression == "calculated"))
        {
            AssertReferencesExist($"table {table.Name}", table.One("partition")!.One("source")!.Expression!, allowBareColumns: true);
        }

        void AssertReferencesExist(string where, string dax, bool allowBareColumns)
        {
            foreach (var (tableName, name) in Tmdl.DaxReferences(dax))
            {
                if (tableName is null)
                {
                    // A bare [Name] is a measure, or in a calculated table a column of the rows being built.
                    Assert.True(measures.Contains(name) || allowBareColumns, $"{where}: [{name}] is not a measure");
                    continue;
                }
                var table = _project.Tables.SingleOrDefault(t => t.Name == tableName);
                Assert.True(table is not null, $"{where}: no table {tableName}");
                Assert.True(table!.All("column").Any(c => c.Name == name), $"{where}: no column {tableName}[{name}]");
            }
        }
    }

    [Fact]
    public void Relationships_join_existing_columns_to_dimension_keys_and_fact_keys_are_hidden()
    {
        Assert.NotEmpty(_project.Relationships);
        foreach (var relationship in _project.Relationships)
        {
            var from = Column(Tmdl.ColumnReference(relationship.Property("fromColumn")!));
            var to = Column(Tmdl.ColumnReference(relationship.Property("toColumn")!));
            Assert.True(to.Flag("isKey"), $"{relationship.Name}: the 'one' side {to.Name} is not a key");
            Assert.True(from.Flag("isHidden"), $"{relationship.Name}: the key {from.Name} is visible");
            Assert.Equal(from.Property("dataType"), to.Property("dataType"));
        }
        var joined = _project.Relationships.Select(r => Tmdl.ColumnReference(r.Property("toColumn")!).Table).ToList();
        Assert.Contains("Date", joined);
        Assert.Contains("Hour", joined);
        Assert.Equal("Time", _project.Table("Date").Property("dataCategory"));

        TmdlNode Column((string Table, string Column) reference) =>
            _project.Table(reference.Table).All("column").SingleOrDefault(c => c.Name == reference.Column)
            ?? throw new Xunit.Sdk.XunitException($"no column {reference.Table}[{reference.Column}]");
    }

    [Fact]
    public void Calls_reads_the_curated_parquet_contract_from_one_storage_account_parameter()
    {
        var source = _project.Table("Calls").One("partition")!.One("source")!.Expression!;
        Assert.Contains("AzureStorage.Blobs(", source, StringComparison.Ordinal);
        Assert.Contains("StorageAccountUrl", source, StringComparison.Ordinal);
        Assert.Contains("Parquet.Document(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Csv.Document", source, StringComparison.Ordinal);
        var columnNames = ColumnNamesList().Match(source);
        Assert.True(columnNames.Success, "the M lists the contract's column names");
        Assert.Equal(CuratedParquet.Schema.GetDataFields().Select(f => f.Name),
            QuotedText().Matches(columnNames.Groups[1].Value).Select(m => m.Groups[1].Value));

        var parameter = _project.Expressions.Single(e => e.Name == "StorageAccountUrl");
        Assert.Contains("IsParameterQuery = true", parameter.Expression, StringComparison.Ordinal);
        Assert.Contains("Type = \"Text\"", parameter.Expression, StringComparison.Ordinal);
        Assert.Contains("blob.core.windows.net", parameter.Expression, StringComparison.Ordinal);
        Assert.Equal(["RangeEnd", "RangeStart", "StorageAccountUrl"], _project.Expressions.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(_project.Expressions.Where(e => e.Name.StartsWith("Range", StringComparison.Ordinal)),
            e => Assert.Contains("Type = \"DateTime\"", e.Expression, StringComparison.Ordinal));
    }

    [Fact]
    public void The_refresh_policy_filters_files_on_the_path_date_before_reading_any()
    {
        var calls = _project.Table("Calls");
        var policy = calls.One("refreshPolicy");
        Assert.NotNull(policy);
        Assert.Equal("basic", policy!.Property("policyType"));
        Assert.Equal("day", policy.Property("incrementalGranularity"));
        Assert.True(int.Parse(policy.Property("rollingWindowPeriods")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var expression = policy.One("sourceExpression")!.Expression!;
        Assert.Equal(calls.One("partition")!.One("source")!.Expression, expression);

        var steps = LetSteps(expression);
        var filter = steps.FindIndex(s => s.Body.Contains("RangeStart", StringComparison.Ordinal));
        Assert.True(filter >= 0, "no step filters on RangeStart");
        var filterStep = steps[filter].Body;
        Assert.Contains("Table.SelectRows(", filterStep, StringComparison.Ordinal);
        var compared = RangeFilter().Match(filterStep);
        Assert.True(compared.Success, $"expected [X] >= RangeStart and [X] < RangeEnd in: {filterStep}");
        var dateColumn = compared.Groups[1].Value;
        Assert.Equal(dateColumn, compared.Groups[2].Value);

        // That column is computed from the blob's path (Folder Path / Name), not from its content or dates.
        var defining = steps.FindIndex(s => s.Body.Contains($"\"{dateColumn}\"", StringComparison.Ordinal));
        Assert.True(defining >= 0 && defining < filter, $"{dateColumn} is not defined before the filter");
        Assert.Contains("[Folder Path]", steps[defining].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Date modified", expression, StringComparison.Ordinal);

        // No file is read before the filter.
        var read = steps.FindIndex(s => s.Body.Contains("Parquet.Document", StringComparison.Ordinal));
        Assert.True(read > filter, "Parquet.Document runs before the RangeStart/RangeEnd filter");
        Assert.DoesNotContain(steps.Take(filter), s => s.Body.Contains("[Content]", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_kpi_measure_has_a_description_naming_its_formula_a_format_and_a_sql_twin()
    {
        var sql = PowerBiProject.KpiSql();
        var calls = _project.Table("Calls");
        foreach (var name in PowerBiProject.KpiMeasures)
        {
            var measure = calls.All("measure").SingleOrDefault(m => m.Name == name);
            Assert.True(measure is not null, $"no measure [{name}] on Calls");
            Assert.StartsWith(name, measure!.Description, StringComparison.Ordinal);
            Assert.Contains(" = ", measure.Description, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(measure.Property("formatString")), $"[{name}] has no format");
            Assert.True(sql.ContainsKey(name), $"[{name}] has no SQL definition in powerbi/kpis.sql");
            // Sum over sum: a ratio is DIVIDE of two aggregates, never an average of ratios.
            Assert.DoesNotContain("AVERAGEX", measure.Expression, StringComparison.Ordinal);
        }
        Assert.All(["Answer rate", "Abandonment rate", "Service level %", "Average speed of answer", "Average handle time", "Average talk", "Average hold", "Transfer rate"],
            name => Assert.Contains("÷", calls.All("measure").Single(m => m.Name == name).Description, StringComparison.Ordinal));
        Assert.Contains("queued inbound", calls.All("measure").Single(m => m.Name == "Abandonment rate").Description, StringComparison.Ordinal);
        Assert.Equal(sql.Keys.Order(StringComparer.Ordinal), _project.Measures.Select(m => m.Measure.Name)
            .Where(sql.ContainsKey).Order(StringComparer.Ordinal));

        // The service level threshold is a what-if parameter defaulting to 20 seconds.
        var threshold = _project.Table("Service level threshold");
        Assert.Contains("GENERATESERIES(", threshold.One("partition")!.One("source")!.Expression, StringComparison.Ordinal);
        Assert.Contains(", 20)", threshold.All("measure").Single().Expression, StringComparison.Ordinal);
        Assert.Contains("[Service level threshold value]", calls.All("measure").Single(m => m.Name == "Service level %").Expression, StringComparison.Ordinal);
    }

    [Fact]
    public void The_overview_page_binds_only_fields_that_exist_in_the_model()
    {
        var pages = JsonDocument.Parse(File.ReadAllText(Path.Combine(PowerBiProject.ReportDefinition, "pages", "pages.json"))).RootElement;
        var page = Assert.Single(pages.GetProperty("pageOrder").EnumerateArray()).GetString()!;
        var visuals = Directory.GetFiles(Path.Combine(PowerBiProject.ReportDefinition, "pages", page, "visuals"), "visual.json", SearchOption.AllDirectories)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("visual")).ToList();
        var types = visuals.Select(v => v.GetProperty("visualType").GetString()).ToList();
        Assert.True(types.Count(t => t == "card") >= 4, "KPI cards");
        Assert.Contains("tableEx", types);
        Assert.Contains("lineChart", types);

        var fields = visuals.SelectMany(v => Fields(v.GetProperty("query").GetProperty("queryState"))).ToList();
        foreach (var (kind, entity, property) in fields)
        {
            var table = _project.Tables.SingleOrDefault(t => t.Name == entity);
            Assert.True(table is not null, $"visual field {entity}.{property}: no table {entity}");
            Assert.True(table!.All(kind == "Measure" ? "measure" : "column").Any(c => c.Name == property), $"visual field: no {kind} {entity}.{property}");
        }
        Assert.Contains(("Column", "Hour", "Hour label"), fields);
        Assert.Contains(("Column", "Calls", "Vendor"), fields);
        Assert.Contains(("Column", "Calls", "Queue"), fields);
        Assert.Contains(("Column", "Calls", "Agent"), fields);
        Assert.Contains(("Measure", "Calls", "Service level %"), fields);
    }

    private static IEnumerable<(string Kind, string Entity, string Property)> Fields(JsonElement queryState) =>
        queryState.EnumerateObject()
            .SelectMany(role => role.Value.GetProperty("projections").EnumerateArray())
            .Select(p => p.GetProperty("field").EnumerateObject().Single())
            .Select(f => (f.Name, f.Value.GetProperty("Expression").GetProperty("SourceRef").GetProperty("Entity").GetString()!, f.Value.GetProperty("Property").GetString()!));

    /// <summary>The steps of a <c>let ... in</c> expression, in order: a step starts at the let's indentation with <c>Name =</c>.</summary>
    private static List<(string Name, string Body)> LetSteps(string m)
    {
        var steps = new List<(string Name, string Body)>();
        foreach (var line in m.Split('\n'))
        {
            var step = LetStep().Match(line);
            if (step.Success)
            {
                steps.Add((step.Groups[1].Value, line));
            }
            else if (steps.Count > 0 && !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                steps[^1] = (steps[^1].Name, steps[^1].Body + "\n" + line);
            }
        }
        return steps;
    }

    [GeneratedRegex(@"^\t(\w+) = ")]
    private static partial Regex LetStep();

    [GeneratedRegex(@"\[(\w+)\] >= RangeStart and \[(\w+)\] < RangeEnd")]
    private static partial Regex RangeFilter();

    [GeneratedRegex(@"ColumnNames = \{([^}]*)\}")]
    private static partial Regex ColumnNamesList();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex QuotedText();
}
