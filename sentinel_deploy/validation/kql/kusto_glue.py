"""The JavaScript side of the bridge, evaluated once per V8 context.

Kept as one object with three entry points so every crossing of the
Python/V8 boundary is a single call taking and returning JSON strings:
marshalling .NET-style objects through mini-racer one property at a time
would be slower and would leak handles.
"""

GLUE_JS = r"""
var __sentinelDeploy = (function () {
  var L = Kusto.Language, S = L.Symbols;
  var OPEN = "__sentinel_deploy_open";
  var states = {};

  function describe(e) {
    var text = (e && e.name && e.message) ? e.name + ": " + e.message : String(e);
    return text.split("\n")[0].slice(0, 400);
  }

  function declare(key, specJson) {
    try {
      var spec = JSON.parse(specJson), symbols = [], skipped = [];
      var tables = {}, functions = {};
      functions[spec.watchlistFunction] = 1;
      // An open table accepts any column name: the result of a function whose shape
      // we do not know, or of _GetWatchlist for an alias the catalog does not declare.
      symbols.push(new S.TableSymbol.$ctor7(OPEN, "()", "").WithIsOpen(true));
      symbols.push(watchlistFunction(spec));
      spec.tables.forEach(function (t) {
        try { symbols.push(table(t)); tables[t.name] = 1; }
        catch (e) { skipped.push(t.name + ": " + describe(e)); }
      });
      spec.functions.forEach(function (f) {
        var body = f.body === null ? "{ " + OPEN + " }" : f.body;
        try {
          symbols.push(new S.FunctionSymbol.$ctor16(f.name, f.params, body, ""));
          functions[f.name] = 1;
        } catch (e) { skipped.push(f.name + ": " + describe(e)); }
      });
      var db = new S.DatabaseSymbol.ctor(spec.database, symbols);
      states[key] = {globals: L.GlobalState.Default.WithDatabase(db), tables: tables,
                     functions: functions};
      return JSON.stringify({skipped: skipped});
    } catch (e) {
      return JSON.stringify({error: describe(e)});
    }
  }

  function table(t) {
    var columns = t.columns.map(function (c) {
      var type = S.ScalarTypes.GetSymbol(c[1]);
      if (!type) throw new Error("unknown column type '" + c[1] + "' of " + c[0]);
      return new S.ColumnSymbol.ctor(c[0], type);
    });
    return new S.TableSymbol.$ctor4(t.name, columns);
  }

  // _GetWatchlist('alias') has the columns of that watchlist, so its result type is
  // computed per call from the constant argument.
  function watchlistFunction(spec) {
    var known = {};
    Object.keys(spec.watchlists).forEach(function (alias) {
      known[alias] = new S.TableSymbol.$ctor7("", spec.watchlists[alias], "");
    });
    var unknown = new S.TableSymbol.$ctor7("", spec.watchlist, "").WithIsOpen(true);
    var resultType = function (context) {
      var args = context.Arguments;
      if (args && args.Count > 0) {
        var alias = L.FunctionHelpers.GetConstantValue(args.getItem(0));
        if (alias !== null && Object.prototype.hasOwnProperty.call(known, alias)) {
          return known[alias];
        }
      }
      return unknown;
    };
    var alias = new S.Parameter.$ctor2("watchlistAlias", S.ScalarTypes.String);
    return new S.FunctionSymbol.ctor(spec.watchlistFunction, resultType, S.Tabularity.Tabular,
                                     [alias]);
  }

  function forget(key) { delete states[key]; return true; }

  function analyze(key, text) {
    try {
      var state = states[key];
      if (!state) return JSON.stringify({error: "catalog not declared"});
      var code = L.KustoCode.ParseAndAnalyze(text, state.globals);
      var list = code.GetDiagnostics(), diagnostics = [];
      for (var i = 0; i < list.Count; i++) {
        var d = list.getItem(i);
        diagnostics.push([d.Code, String(d.Severity), d.Message, d.Start, d.Length]);
      }
      var type = code.ResultType, columns = null;
      if (type && Bridge.is(type, S.TableSymbol)) {
        columns = [];
        for (var j = 0; j < type.Columns.Count; j++) {
          var c = type.Columns.getItem(j);
          columns.push([c.Name, c.Type ? c.Type.Name : "unknown"]);
        }
      }
      var tables = {}, functions = {};
      L.Syntax.SyntaxElement.WalkElements(code.Syntax, function (e) {
        var s = e.ReferencedSymbol;
        if (!s) return;
        // Only catalog symbols: built-in functions and let-bound names are not reads.
        if (Bridge.is(s, S.TableSymbol) && state.tables[s.Name]) tables[s.Name] = 1;
        else if (Bridge.is(s, S.FunctionSymbol) && state.functions[s.Name]) functions[s.Name] = 1;
      });
      return JSON.stringify({diagnostics: diagnostics, columns: columns,
                             tables: Object.keys(tables), functions: Object.keys(functions)});
    } catch (e) {
      return JSON.stringify({error: describe(e)});
    }
  }

  return {declare: declare, analyze: analyze, forget: forget};
})();
"""
