// Renders a StepResult for people (an aligned breakdown table) and for programs (the JSON keys of DESIGN §4, a
// CSV row). Shared by `estimate`, `search` and `demo`, so every command spells a figure the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "fleetsim/estimate/step_result.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

// DESIGN §4 keys: scenario, step_time_s, tokens_per_s, model_flops_per_step, model_tflops_per_device, mfu, hfu,
// memory{per_device_bytes, capacity_bytes, fits}, breakdown_s{...}, time_to_train_s, plus plan and auto_chosen.
nlohmann::json StepResultJson(const Scenario& scenario, const StepResult& result);
nlohmann::json PlanJson(const Plan& plan);

// A readable report: the cluster, model and plan, the step time breakdown, throughput, memory.
std::string StepResultText(const Scenario& scenario, const StepResult& result);

// One CSV header and row with the headline figures (and `calibrated`, `calibration_relative` as in the JSON).
std::string StepResultCsv(const Scenario& scenario, const StepResult& result);

// "uncalibrated: mi300x has no published run of its own; it takes h100's kernel efficiencies (why)", or empty
// when the accelerator's own published runs fixed its parameters: every command says it in these words.
std::string UncalibratedNote(const Accelerator& accelerator);
// The JSON keys every command gives for it: `calibrated` and `calibration_relative` (null when calibrated).
void AddCalibrationJson(const Accelerator& accelerator, nlohmann::json& j);

// "1.23 s", "5.6 d" style durations for tables.
std::string FormatDuration(Seconds s);

}  // namespace fleetsim
