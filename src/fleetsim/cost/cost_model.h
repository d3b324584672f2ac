// CostModel: what owning (or renting) a job's hardware costs. The capex per accelerator is given all-in or derived
// from the chip price (list, build cost plus margin, or given), the server around it and the job's share of the
// scale-out network, plus installation. Owning costs a capital charge (capex recovered over the life at the
// discount rate, less the discounted resale value), a facility charge (dollars per MW of IT load recovered over
// the facility life), maintenance and staff (fractions of capex per year), and electricity (facility energy x
// price). Renting costs a price per accelerator-hour (electricity included). Unless `economics.basis` (or
// `--basis`) chooses, a chip with a purchase price is owned and one without is rented where a public price is
// known; owned, a chip that is not sold is priced at its catalog estimate (flagged). Reads a PowerModel;
// immutable.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/units.h"
#include "fleetsim/cost/economics_spec.h"
#include "fleetsim/energy/power_model.h"

namespace fleetsim {

// "owned", "rented", "unknown".
std::string_view CostBasisName(CostBasis basis);

// "$48,051", "$1.29", "$12.35M", "$1.20B": dollars for reports.
std::string FormatUsd(double usd);

// Capex per accelerator.
struct CapexBreakdown {
  std::optional<Usd> all_in;  // economics.capex_per_accelerator, when given
  Usd chip;
  Usd server;   // the server around the chip (CPUs, memory, NVSwitch, NICs), per accelerator
  Usd network;  // the job's scale-out switches and transceivers, per accelerator
  Usd installation;
  std::string chip_basis;  // where the chip price came from
  bool estimated = false;  // the chip is not sold: its price is a published estimate

  Usd Total() const { return all_in ? *all_in : chip + server + network + installation; }
};

// A cost by component: of one accelerator-hour, or of a whole run.
struct CostBreakdown {
  Usd capital;
  Usd facility;
  Usd maintenance;
  Usd staff;
  Usd electricity;
  Usd cloud;
  Usd Total() const { return capital + facility + maintenance + staff + electricity + cloud; }
};

// The yearly figures the rental model needs for one accelerator.
struct OwnershipInputs {
  Usd capex;
  double life_years = 0.0;
  double discount_rate = 0.0;
  double residual_fraction = 0.0;
  Usd fixed_opex_per_year;    // facility charge, maintenance, staff
  Watts facility_power_busy;  // one accelerator with its host and network share, at TDP
  Watts facility_power_idle;
  double electricity_usd_per_j = 0.0;
};

class CostModel {
 public:
  CostModel(const PowerModel& power, const EconomicsSpec& economics);

  CostBasis basis() const { return basis_; }
  // Why this basis was chosen, in words (shown in reports).
  const std::string& note() const { return note_; }
  // Per accelerator; absent unless the capex is known.
  const std::optional<CapexBreakdown>& capex() const { return capex_; }
  // The facility (building, power and cooling plant) built for one accelerator's peak IT power.
  Usd FacilityCapexPerAccelerator() const;
  // One accelerator-hour at an activity (see PowerModel::It); absent when no price is known.
  std::optional<CostBreakdown> PerAcceleratorHour(double busy, double stalled) const;
  // The whole job over a timeline; absent when no price is known.
  std::optional<CostBreakdown> Run(const Timeline& t) const;
  // Owned hardware only: the inputs of the rental model.
  std::optional<OwnershipInputs> Ownership() const;

  const EconomicsSpec& economics() const { return economics_; }

 private:
  Usd CapitalPerYear() const;
  Usd FixedOpexPerYear() const;

  PowerModel power_;
  EconomicsSpec economics_;
  CostBasis basis_ = CostBasis::kUnknown;
  std::string note_;
  std::optional<CapexBreakdown> capex_;
  double cloud_usd_per_s_ = 0.0;
};

// The capex per accelerator from the economics and the catalog; absent, with `why` set, when no price is known.
// `estimate`: a chip that is not sold is priced at the catalog's published estimate (chip_basis says so).
std::optional<CapexBreakdown> DeriveCapex(const PowerModel& power, const EconomicsSpec& economics, bool estimate,
                                          std::string* why);

}  // namespace fleetsim
