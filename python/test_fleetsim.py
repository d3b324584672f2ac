"""Issue 13: the Python module. Runs every function once and checks that bad input raises fleetsim.InputError
with the file:line message. Run by CTest (PYTHONPATH=build/python) from the source root."""
import os
import tempfile
import unittest

import fleetsim

EXAMPLE = "examples/llama3-405b-h100.yaml"
SERVE = "examples/serve-llama3-70b-h100.yaml"
SMALL = {
    "name": "python-small",
    "cluster": {"accelerator": "h100", "count": 64},
    "model": "llama3-8b",
    "training": {"seq_len": 4096, "global_batch": 64, "precision": "bf16", "tokens": 1e9},
}


class FleetsimModule(unittest.TestCase):
    def test_load_scenario_returns_an_editable_dict(self):
        s = fleetsim.load_scenario(EXAMPLE)
        self.assertEqual(s["cluster"]["accelerator"], "h100")
        self.assertEqual(s["cluster"]["count"], 16384)
        s["cluster"]["count"] = 8192
        s["training"]["parallelism"]["dp"] = 64
        self.assertGreater(fleetsim.estimate(s)["step_time_s"], 0)

    def test_estimate_search_simulate_cost(self):
        e = fleetsim.estimate(SMALL)
        self.assertGreater(e["step_time_s"], 0)
        self.assertTrue(0 < e["mfu"] < 1)
        two = fleetsim.estimate(SMALL, set={"training.micro_batch": 2})
        self.assertIn("micro_batch", str(two))
        found = fleetsim.search(SMALL, top=3)
        self.assertIsInstance(found, dict)
        sim = fleetsim.simulate(SMALL)
        self.assertAlmostEqual(sim["step_time_s"] / e["step_time_s"], 1.0, delta=0.1)
        cost = fleetsim.cost(SMALL)
        self.assertGreater(cost["energy_j"], 0)

    def test_reliability_serve_collective_compare(self):
        r = fleetsim.reliability(dict(SMALL, reliability={"trials": 20}))
        self.assertTrue(0 < r["ettr"] <= 1)
        s = fleetsim.serve(SERVE)
        self.assertGreater(s["output_tokens_per_s"], 0)
        c = fleetsim.collective(node="hgx-h100", count=8, op="all-reduce", size="1MB")
        self.assertEqual(len(c["rows"]), 1)
        cmp = fleetsim.compare([SMALL, dict(SMALL, cluster={"accelerator": "b200", "count": 64})], basis="rented")
        self.assertEqual(len(cmp["scenarios"]), 2)

    def test_sweep(self):
        with tempfile.TemporaryDirectory() as d:
            sweep = os.path.join(d, "sweep.yaml")
            with open(sweep, "w") as f:
                f.write("base: " + os.path.abspath("examples/sweep-base-llama3-70b.yaml") + "\n"
                        "command: estimate\nkeep: [step_time_s, mfu]\n"
                        "axes:\n  cluster.count: [512, 1024]\n  training.parallelism.tp: [4, 8]\n")
            out = fleetsim.sweep(sweep, db=os.path.join(d, "s.sqlite"), threads=2)
            self.assertEqual(out["points"], 4)
            self.assertEqual(len(out["rows"]), 4)
            self.assertTrue(all(row["status"] == "ok" for row in out["rows"]))

    def test_bad_input_raises_with_file_and_line(self):
        bad = dict(SMALL, cluster={"accelerator": "h10", "count": 64})
        with self.assertRaises(fleetsim.InputError) as e:
            fleetsim.estimate(bad)
        self.assertIn("<dict>", str(e.exception))
        self.assertIn("unknown accelerator 'h10'", str(e.exception))
        self.assertTrue(issubclass(fleetsim.InputError, ValueError))
        with self.assertRaises(fleetsim.InputError) as e:
            fleetsim.load_scenario("/nonexistent.yaml")
        with self.assertRaises(fleetsim.InputError) as e:
            fleetsim.estimate(EXAMPLE, set={"training.precison": "bf16"})
        self.assertIn("precison", str(e.exception))
        with self.assertRaises(TypeError):
            fleetsim.estimate(42)


if __name__ == "__main__":
    unittest.main(verbosity=2)
